/**
 * The core's error catalogue: stable codes that apps can switch on. presence-server extends the
 * same codes with HTTP statuses.
 */

export const PRESENCE_ERROR_CODES = {
  PRESENCE_PAYLOAD_INVALID: 'Malformed payload from another client',
  PRESENCE_INVALID_ARGUMENT: 'Invalid argument',
  PRESENCE_TRANSPORT_FAILED: 'Transport request failed',
  PRESENCE_CLIENT_DESTROYED: 'Client was destroyed',
  PRESENCE_ROOM_LEFT: 'Room was left',
  PRESENCE_NOT_VERIFIED: 'Dropped a message that failed verification',
  PRESENCE_CREDENTIAL_UNAVAILABLE: 'No valid session credential',
  PRESENCE_ROOM_NOT_PRIVATE: 'This visibility needs a private room',
  PRESENCE_RATE_LIMITED: 'Too many messages from one sender',
} as const

export type PresenceErrorCode = keyof typeof PRESENCE_ERROR_CODES

export class PresenceError extends Error {
  override readonly name = 'PresenceError'
  declare readonly code: PresenceErrorCode
  declare readonly details?: unknown

  constructor(
    code: PresenceErrorCode,
    message: string = PRESENCE_ERROR_CODES[code],
    options?: { cause?: unknown; details?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    if (options?.details !== undefined) this.details = options.details
  }
}

export function isPresenceError(value: unknown): value is PresenceError {
  return value instanceof PresenceError
}

/** A PRESENCE_INVALID_ARGUMENT error: what an app gets for a bad argument. */
export function invalidArgument(message: string, details?: unknown): PresenceError {
  return new PresenceError('PRESENCE_INVALID_ARGUMENT', message, { details })
}
