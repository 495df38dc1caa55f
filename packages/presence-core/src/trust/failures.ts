/**
 * Why a signed message was dropped: one stable code each, in `details.reason` of the
 * PRESENCE_NOT_VERIFIED error an observer reports. Apps and tests switch on these, never on text.
 */
export const VERIFICATION_FAILURES = {
  'missing-proof': 'carries no proof (sent by an unverified client)',
  'malformed-proof': 'its proof is not one a session makes',
  'credential-invalid': 'its credential is malformed or not signed by a trusted issuer key',
  'credential-expired': 'its credential has expired',
  'unknown-key': 'its credential names an issuer key the key set does not hold',
  'keys-unavailable': "the issuer's key set could not be fetched",
  'bad-signature': 'its signature does not match its content and session key',
  'wrong-user': "its user is not the credential's",
  'wrong-session': "its session is not the credential's",
  'wrong-room': 'it was signed for another room',
  'room-not-allowed': 'its credential does not admit this room',
  'from-the-future': 'its times lie further ahead of this clock than the allowed skew',
  'window-passed': 'its validity window has ended',
  'window-too-long': 'its validity window is longer than its lease allows',
  'stale-seq': 'an equal or newer publish of its session was already heard',
  'too-old': 'it was signed longer ago than a message may travel',
  replayed: 'the same signed message was heard before',
} as const

export type VerificationFailure = keyof typeof VERIFICATION_FAILURES

/** A check's result: the value, or why it failed. */
export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: VerificationFailure }

export const passed = <T>(value: T): Checked<T> => ({ ok: true, value })
export const failed = (reason: VerificationFailure): Checked<never> => ({ ok: false, reason })
