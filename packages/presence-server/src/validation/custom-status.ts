/**
 * Custom status text and emoji as the server stores and returns them: bounded in grapheme
 * clusters (and in UTF-16 units, so the result always fits presence-core's wire schema), without
 * control, zero-width or bidi-override characters, trimmed, with runs of combining marks cut
 * ("Zalgo" text), and an emoji that is one emoji. The result is plain text, never markup.
 */
import {
  CUSTOM_STATUS_MAX_GRAPHEMES,
  type CustomStatus,
  graphemes,
  META_LIMITS,
  sanitizeText,
} from '@wedsync/presence-core'

/** Bounds of a stored custom status. */
export const CUSTOM_STATUS_LIMITS = {
  /** User-perceived characters of text kept. */
  textGraphemes: CUSTOM_STATUS_MAX_GRAPHEMES,
  /** UTF-16 units of text kept: presence-core's meta schema accepts no more. */
  textLength: META_LIMITS.textLength,
  /** UTF-16 units of one emoji (a family ZWJ sequence is 11, a subdivision flag 14). */
  emojiLength: 32,
  /** Combining marks kept after one base character (scripts such as Devanagari need a few). */
  marksPerCharacter: 4,
  /** Longest text accepted as input before it is cut; longer input is rejected, not truncated. */
  inputLength: 2_000,
} as const

const MARK_RUN = new RegExp(`(\\p{M}{${CUSTOM_STATUS_LIMITS.marksPerCharacter}})\\p{M}+`, 'gu')
// Pictographs, flags (regional indicator pairs) and keycaps.
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}{2}|\u20e3/u

function cutToLength(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text
  let out = ''
  for (const part of graphemes(text)) {
    if (out.length + part.length > maxLength) break
    out += part
  }
  return out.trim()
}

/** Custom status text as stored: sanitized, marks runs cut, bounded. */
export function sanitizeStatusText(text: string): string {
  const cleaned = sanitizeText(text.replace(MARK_RUN, '$1'), CUSTOM_STATUS_LIMITS.textGraphemes)
  return cutToLength(cleaned, CUSTOM_STATUS_LIMITS.textLength)
}

/** The emoji as stored, or undefined when the input is not exactly one emoji once sanitized. */
export function sanitizeEmoji(emoji: string): string | undefined {
  const cleaned = sanitizeText(emoji, CUSTOM_STATUS_LIMITS.emojiLength)
  if (!cleaned || cleaned.length > CUSTOM_STATUS_LIMITS.emojiLength) return undefined
  if (!EMOJI.test(cleaned)) return undefined
  // One code point is one grapheme; only sequences need the (slower) segmenter.
  const single = cleaned.length <= 2 && [...cleaned].length === 1
  return single || graphemes(cleaned).length === 1 ? cleaned : undefined
}

export interface CustomStatusInput {
  readonly text: string
  readonly emoji?: string | undefined
  readonly expiresAt?: number | undefined
}

/**
 * A custom status safe to store and show: text sanitized and bounded, emoji kept only when it is
 * one emoji, expiry kept. Returns null when nothing visible is left (no text and no emoji).
 */
export function sanitizeCustomStatus(input: CustomStatusInput): CustomStatus | null {
  const text = sanitizeStatusText(input.text)
  const emoji = input.emoji === undefined ? undefined : sanitizeEmoji(input.emoji)
  if (!text && !emoji) return null
  return {
    text,
    ...(emoji === undefined ? {} : { emoji }),
    ...(input.expiresAt === undefined ? {} : { expiresAt: input.expiresAt }),
  }
}
