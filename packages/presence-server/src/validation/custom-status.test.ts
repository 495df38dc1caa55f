import { META_LIMITS, parseSessionMeta } from '@wedsync/presence-core'
import { describe, expect, it } from 'vitest'
import {
  CUSTOM_STATUS_LIMITS,
  sanitizeCustomStatus,
  sanitizeEmoji,
  sanitizeStatusText,
} from './custom-status.js'

/** Abuse corpus: what people paste into a status field to break an app. */
const ABUSE_CORPUS: readonly string[] = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(document.cookie)>',
  'javascript:alert(1)',
  '<a href="javascript:alert(1)">click</a>',
  '{{constructor.constructor("alert(1)")()}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, as typed
  '${7*7} #{7*7} <%= 7*7 %>',
  "'; DROP TABLE user_last_seen; --",
  "' OR '1'='1' --",
  '1; SELECT pg_sleep(10); --',
  "Robert'); DELETE FROM presence_settings; --",
  '\u202Egnp.exe', // right-to-left override: shows as "exe.png"
  'invoice\u2066\u202Etxt.exe\u2069',
  '\u200Bad\u200Bmin\u200B',
  'a\u0000b\u0007c\u001B[31mred',
  'Ţ̸̢̛͓̬͈͇̯̰̖̱̦͙̬͌̐̇̔͌̾̾̓̈́͘ͅh̷̨̛̗͉̯̺̮͙̼̩͎̀̆̈̽̈́̔̀͂̾͘͝ę̶̱̳̝̲̞̝̈́̈́́̊͊̌̇̂̒̇̚',
  'x'.repeat(1_999),
  '👩‍👩‍👧‍👦'.repeat(300),
  '\uD800 lone surrogate \uDC00',
  '\u2028line\u2029separators',
]

const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
  /[\u0000-\u001f\u007f-\u009f\u200b\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u

describe('sanitizeStatusText', () => {
  it.each(ABUSE_CORPUS.map((s) => [s.slice(0, 30), s]))(
    '%s → inert, bounded text',
    (_label, input) => {
      const out = sanitizeStatusText(input)
      expect(out).not.toMatch(UNSAFE)
      expect(out).not.toMatch(
        /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/,
      )
      expect(out.length).toBeLessThanOrEqual(CUSTOM_STATUS_LIMITS.textLength)
      expect(
        Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(out)).length,
      ).toBeLessThanOrEqual(CUSTOM_STATUS_LIMITS.textGraphemes)
      expect(out).toBe(out.trim())
      // It fits presence-core's wire schema, so clients can republish it.
      expect(
        parseSessionMeta({
          v: 1,
          session: 's',
          status: 'online',
          seq: 1,
          lease: 30_000,
          custom: { status: { text: out }, at: 1 },
        }).ok,
      ).toBe(true)
    },
  )

  it('keeps markup and SQL as plain text (escaping is the renderer’s job; JSON keeps it data)', () => {
    expect(sanitizeStatusText('<b>Lunch</b>')).toBe('<b>Lunch</b>')
    expect(sanitizeStatusText("'; DROP TABLE x; --")).toBe("'; DROP TABLE x; --")
  })

  it('removes bidi overrides so the text reads as stored', () => {
    expect(sanitizeStatusText('\u202Egnp.exe')).toBe('gnp.exe')
  })

  it('counts grapheme clusters, not code units', () => {
    const family = '👨‍👩‍👧‍👦'
    const out = sanitizeStatusText(family.repeat(150))
    expect(out.length).toBeLessThanOrEqual(META_LIMITS.textLength)
    expect(out.length % family.length).toBe(0) // never cut inside an emoji
  })

  it('cuts runs of combining marks ("Zalgo")', () => {
    expect(sanitizeStatusText(`a${'\u0301'.repeat(50)}b`)).toBe(`a${'\u0301'.repeat(4)}b`)
  })

  it('keeps text within the bounds as is', () => {
    expect(sanitizeStatusText('  At a venue until 15:00  ')).toBe('At a venue until 15:00')
    expect(sanitizeStatusText('मैं स्थल पर हूँ')).toBe('मैं स्थल पर हूँ')
  })
})

describe('sanitizeEmoji', () => {
  it.each(['📸', '👩‍🌾', '👍🏽', '❤️', '1️⃣', '🇫🇷', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '👨‍👩‍👧‍👦'])('keeps %s', (emoji) => {
    expect(sanitizeEmoji(emoji)).toBe(emoji)
  })

  it.each(['a', '<', '📸📸', '📸 x', '', '\u200b', '\u202e📸x', 'ab'])('refuses %j', (emoji) => {
    expect(sanitizeEmoji(emoji)).toBeUndefined()
  })

  it('strips invisibles around one emoji', () => {
    expect(sanitizeEmoji('\u200b📸\u202e')).toBe('📸')
  })
})

describe('sanitizeCustomStatus', () => {
  it('sanitizes text, keeps one emoji and the expiry', () => {
    expect(sanitizeCustomStatus({ text: ' At a\u200b venue ', emoji: '📍', expiresAt: 5 })).toEqual(
      {
        text: 'At a venue',
        emoji: '📍',
        expiresAt: 5,
      },
    )
  })

  it('drops an emoji that is not one emoji', () => {
    expect(sanitizeCustomStatus({ text: 'Hi', emoji: 'no' })).toEqual({ text: 'Hi' })
  })

  it('is null when nothing visible is left', () => {
    expect(sanitizeCustomStatus({ text: '\u200b\u202e \u0000' })).toBeNull()
    expect(sanitizeCustomStatus({ text: '', emoji: '🌧️' })).toEqual({ text: '', emoji: '🌧️' })
  })
})
