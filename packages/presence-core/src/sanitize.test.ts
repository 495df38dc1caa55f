import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CUSTOM_STATUS_MAX_GRAPHEMES,
  EMOJI_MAX_GRAPHEMES,
  graphemes,
  sanitizeText,
} from './sanitize.js'

const FARMER = '👩‍🌾' // woman + ZWJ + ear of rice
const FAMILY = '👨‍👩‍👧‍👦'
const THUMB_MEDIUM = '👍🏽'
const HEART = '❤️' // with VS16
const KEYCAP = '1️⃣'
const SCOTLAND = '🏴󠁧󠁢󠁳󠁣󠁴󠁿' // tag sequence
const FRANCE = '🇫🇷'
const E_ACUTE = 'e\u0301' // e + combining acute accent

// Every character the sanitizer must remove (controls, invisibles, bidi controls).
const UNSAFE_CHARS = [
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0080',
  '\u009b',
  '\u200b', // zero width space
  '\u200c', // zero width non-joiner
  '\u200e', // LRM
  '\u200f', // RLM
  '\u061c', // arabic letter mark
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d', // LRO
  '\u202e', // RLO
  '\u2060', // word joiner
  '\u2061',
  '\u2064',
  '\u2066', // LRI
  '\u2067',
  '\u2068',
  '\u2069', // PDI
  '\ufeff', // BOM / zero width no-break space
  '\ufff9',
  '\ufffb',
]

const UNSAFE_PATTERN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters the sanitizer must remove
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/u
const LONE_SURROGATE = /[\ud800-\udfff]/u

describe('sanitizeText', () => {
  it.each([
    ['plain text', 'At a venue until 15:00', 'At a venue until 15:00'],
    ['C0 controls', 'a\u0000b\u0007c\u001b[31md', 'abc[31md'],
    ['DEL and C1 controls', 'a\u007fb\u0080c\u009bd', 'abcd'],
    ['zero-width characters', 'pass\u200bwo\u200crd\u2060s\ufeff', 'passwords'],
    ['bidi overrides', 'abc\u202edcba\u202c', 'abcdcba'],
    ['bidi isolates and marks', '\u2066x\u2069\u200ey\u200f\u061cz', 'xyz'],
    ['whitespace runs', '  a \t\t b   c  ', 'a b c'],
    ['newlines between words', 'At a venue\nuntil\r\n15:00', 'At a venue until 15:00'],
    ['other line breaks', 'a\u0085b\u2028c\u2029d\ve\ff', 'a b c d e f'],
    ['tab between words', 'Lunch\tbreak', 'Lunch break'],
    ['other space characters', 'a\u00a0\u00a0b\u3000c\u2003d', 'a b c d'],
    ['zero-width between spaces', 'a \u200b b', 'a b'],
    ['only invisibles', '\u200b\u202e\u0000 \t', ''],
    ['empty', '', ''],
    ['lone surrogates', 'a\ud800b\udc00c', 'abc'],
  ])('%s', (_name, input, expected) => {
    expect(sanitizeText(input, 100)).toBe(expected)
  })

  it.each([
    ['ZWJ sequence', FARMER],
    ['family', FAMILY],
    ['skin tone', THUMB_MEDIUM],
    ['variation selector', HEART],
    ['keycap', KEYCAP],
    ['tag sequence flag', SCOTLAND],
    ['regional indicator flag', FRANCE],
    ['combining mark', `caf${E_ACUTE}`],
  ])('keeps %s intact', (_name, text) => {
    expect(sanitizeText(text, 100)).toBe(text)
    expect(sanitizeText(`${text} ok`, 100)).toBe(`${text} ok`)
  })

  it.each([
    ['ASCII', 'abcdef', 3, 'abc'],
    ['a ZWJ emoji is one character', `ab${FARMER}cd`, 3, `ab${FARMER}`],
    ['a ZWJ emoji is never split', `ab${FAMILY}`, 2, 'ab'],
    ['flags are not split', `${FRANCE}${FRANCE}`, 1, FRANCE],
    ['skin tones stay on their emoji', `${THUMB_MEDIUM}${THUMB_MEDIUM}`, 1, THUMB_MEDIUM],
    ['combining marks stay on their letter', E_ACUTE.repeat(5), 2, E_ACUTE.repeat(2)],
    ['trailing space after the cut is trimmed', 'abc def', 4, 'abc'],
    ['zero keeps nothing', 'abc', 0, ''],
    ['exactly at the bound', 'abc', 3, 'abc'],
  ])('truncates by graphemes: %s', (_name, input, max, expected) => {
    expect(sanitizeText(input, max)).toBe(expected)
  })

  it.each([
    '<script>alert(1)</script>',
    '<img src=x onerror="alert(1)">',
    '&lt;b&gt; &amp; "quotes" \'single\'',
    'javascript:alert(1)',
    '{{constructor.constructor("alert(1)")()}}',
  ])('returns markup as inert text, unchanged: %s', (input) => {
    // The sanitizer neither escapes nor strips markup: rendering it as text is the UI's job.
    expect(sanitizeText(input, 100)).toBe(input)
  })

  it('removes each unsafe character wherever it is', () => {
    for (const ch of UNSAFE_CHARS) {
      expect(sanitizeText(`a${ch}b`, 10)).toBe('ab')
      expect(sanitizeText(`${ch}a`, 10)).toBe('a')
    }
  })

  it('exports the bounds the meta schema uses', () => {
    expect(CUSTOM_STATUS_MAX_GRAPHEMES).toBe(100)
    expect(EMOJI_MAX_GRAPHEMES).toBe(1)
    expect(sanitizeText(FARMER, EMOJI_MAX_GRAPHEMES)).toBe(FARMER)
    expect(sanitizeText(`${FARMER}${HEART}`, EMOJI_MAX_GRAPHEMES)).toBe(FARMER)
  })

  const text = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc
      .array(
        fc.oneof(
          fc.constantFrom(
            ...UNSAFE_CHARS,
            FARMER,
            FAMILY,
            FRANCE,
            E_ACUTE,
            '\u0301',
            ' ',
            '\n',
            '\t',
          ),
          fc.string({ unit: 'grapheme-ascii', maxLength: 3 }),
        ),
        { maxLength: 30 },
      )
      .map((parts) => parts.join('')),
  )

  it('always gives bounded, clean, trimmed text', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 20 }), (input, max) => {
        const out = sanitizeText(input, max)
        expect(graphemes(out).length).toBeLessThanOrEqual(max)
        expect(out).not.toMatch(UNSAFE_PATTERN)
        expect(out).not.toMatch(LONE_SURROGATE)
        expect(out).not.toMatch(/\s\s/)
        expect(out).toBe(out.trim())
        expect(out).not.toMatch(/[\t\n\r\v\f]/)
      }),
      { numRuns: 1_000 },
    )
  })

  it('is idempotent, and a cut result is a prefix of the uncut one', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 20 }), (input, max) => {
        const out = sanitizeText(input, max)
        expect(sanitizeText(out, max)).toBe(out)
        expect(sanitizeText(input, 1_000).startsWith(out)).toBe(true)
      }),
      { numRuns: 1_000 },
    )
  })
})

describe('graphemes', () => {
  it('splits into user-perceived characters', () => {
    expect(graphemes(`a${FARMER}${E_ACUTE}${FRANCE}${THUMB_MEDIUM}`)).toEqual([
      'a',
      FARMER,
      E_ACUTE,
      FRANCE,
      THUMB_MEDIUM,
    ])
    expect(graphemes('')).toEqual([])
  })
})
