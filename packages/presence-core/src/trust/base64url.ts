/**
 * base64url without padding (RFC 4648 §5), the alphabet of JWS. Pure; decoding refuses anything
 * outside the alphabet instead of guessing, so a malformed credential fails early and clearly.
 */

const URL_SAFE = /^[A-Za-z0-9_-]*$/

export function encodeBase64url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** The bytes of `text`, or undefined when it is not unpadded base64url. */
export function decodeBase64url(text: string): Uint8Array | undefined {
  // A length of 1 mod 4 cannot come from any byte string.
  if (!URL_SAFE.test(text) || text.length % 4 === 1) return undefined
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/** The JSON object a base64url segment holds (a JWT header or payload), or undefined. */
export function decodeJsonSegment(segment: string): Record<string, unknown> | undefined {
  const bytes = decodeBase64url(segment)
  if (!bytes) return undefined
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes))
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
