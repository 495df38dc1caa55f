/**
 * Text that people type into presence (custom status) is shown to others: it is bounded, stripped
 * of control, zero-width and bidi-override characters, and never treated as markup by the SDK.
 */

// C0/C1 controls, zero-width and joiner-less invisibles, bidi marks/embeddings/overrides/isolates,
// and lone surrogates (broken UTF-16 that renders as U+FFFD and that JSON stores refuse).
// ZWJ (U+200D) is kept: emoji sequences such as 👩‍🌾 need it. Variation selectors and tag
// characters are kept too: ❤️ and subdivision flags need them.
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]/gu
// Line breaks and tabs separate words: they become spaces before controls are removed.
const SPACE_CONTROLS = /[\t\n\v\f\r\u0085]+/g

const segmenter =
  typeof Intl !== 'undefined' && 'Segmenter' in Intl
    ? new Intl.Segmenter(undefined, { granularity: 'grapheme' })
    : undefined

/** Splits text into user-perceived characters (grapheme clusters). */
export function graphemes(text: string): string[] {
  if (segmenter) return Array.from(segmenter.segment(text), (s) => s.segment)
  return Array.from(text)
}

/** Removes unsafe characters, collapses whitespace runs, trims, and cuts to `maxGraphemes`. */
export function sanitizeText(text: string, maxGraphemes: number): string {
  const cleaned = text.replace(SPACE_CONTROLS, ' ').replace(UNSAFE, '').replace(/\s+/g, ' ').trim()
  // Fast path: every grapheme is at least one code unit.
  if (cleaned.length <= maxGraphemes) return cleaned
  const parts = graphemes(cleaned)
  return parts.length <= maxGraphemes ? cleaned : parts.slice(0, maxGraphemes).join('').trim()
}

export const CUSTOM_STATUS_MAX_GRAPHEMES = 100
export const EMOJI_MAX_GRAPHEMES = 1
