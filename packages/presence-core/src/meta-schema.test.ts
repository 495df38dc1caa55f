import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sessionMeta } from '../test/test-helpers.js'
import {
  isValidPresenceKey,
  META_LIMITS,
  parseSessionMeta,
  type SessionMeta,
  sessionMetaSchema,
} from './meta-schema.js'

const FULL: SessionMeta = sessionMeta({
  session: 'tab-1',
  status: 'idle',
  seq: 42,
  lease: 30_000,
  activeAgo: 12_000,
  manual: { status: 'busy', at: 1_700_000_000_000 },
  custom: { status: { text: 'At a venue', emoji: '💒', expiresAt: 1_700_000_900_000 }, at: 5 },
  calendar: { text: 'Tasting with the caterer', until: 1_700_000_600_000 },
  activity: { action: 'viewing', target: 'timeline', weddingId: '123', page: '/weddings/123' },
  profile: { name: 'Ana', role: 'planner', avatarUrl: 'https://cdn.example.com/ana.png' },
})

function parsed(input: unknown): SessionMeta {
  const result = parseSessionMeta(input)
  if (!result.ok) throw new Error(`expected a valid meta: ${result.issues}`)
  return result.meta
}

function rejects(input: unknown): string {
  const result = parseSessionMeta(input)
  if (result.ok) throw new Error(`expected a rejection: ${JSON.stringify(input)}`)
  expect(result.issues.length).toBeGreaterThan(0)
  return result.issues
}

const with_ = (patch: Record<string, unknown>) => ({ ...FULL, ...patch })

/** Any one field a session meta may have. */
const metaField = fc.constantFrom(...Object.keys(sessionMetaSchema.shape))

describe('parseSessionMeta', () => {
  it('accepts a minimal meta as it is', () => {
    const minimal = sessionMeta()
    expect(parsed(minimal)).toEqual(minimal)
  })

  it('accepts a full meta as it is', () => {
    expect(parsed(FULL)).toEqual(FULL)
    expect(parsed(JSON.parse(JSON.stringify(FULL)))).toEqual(FULL)
  })

  it('accepts cleared settings (null status)', () => {
    const meta = with_({ manual: { status: null, at: 3 }, custom: { status: null, at: 4 } })
    expect(parsed(meta)).toEqual(meta)
  })

  it('strips unknown keys at every level', () => {
    const input = {
      ...FULL,
      extra: 'x',
      __proto__: { polluted: true },
      manual: { ...FULL.manual, extra: 1 },
      custom: { status: { ...FULL.custom!.status, extra: 1 }, at: 5, extra: 2 },
      calendar: { ...FULL.calendar, extra: 1 },
      activity: { ...FULL.activity, html: '<b>' },
      profile: { ...FULL.profile, isAdmin: true },
    }
    const meta = parsed(input)
    expect(meta).toEqual(FULL)
    expect(Object.keys(meta)).not.toContain('extra')
    expect(Object.keys(meta.activity!)).not.toContain('html')
    expect(Object.keys(meta.profile!)).not.toContain('isAdmin')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'meta'],
    ['a number', 1],
    ['an array', [FULL]],
    ['an empty object', {}],
  ])('rejects %s', (_name, input) => {
    rejects(input)
  })

  it.each<[string, Record<string, unknown>]>([
    ['v missing', { v: undefined }],
    ['v 2', { v: 2 }],
    ['v "1"', { v: '1' }],
    ['session empty', { session: '' }],
    ['session too long', { session: 'x'.repeat(META_LIMITS.idLength + 1) }],
    ['session a number', { session: 7 }],
    ['status busy (sessions only derive online/idle/away)', { status: 'busy' }],
    ['status offline', { status: 'offline' }],
    ['status missing', { status: undefined }],
    ['seq negative', { seq: -1 }],
    ['seq fractional', { seq: 1.5 }],
    ['seq NaN', { seq: Number.NaN }],
    ['seq Infinity', { seq: Number.POSITIVE_INFINITY }],
    ['seq beyond safe integers', { seq: 2 ** 53 }],
    ['seq a string', { seq: '1' }],
    ['lease below the minimum', { lease: META_LIMITS.minLeaseMs - 1 }],
    ['lease above the maximum', { lease: META_LIMITS.maxLeaseMs + 1 }],
    ['lease fractional', { lease: 30_000.5 }],
    ['lease missing', { lease: undefined }],
    ['activeAgo negative', { activeAgo: -1 }],
    ['manual status online', { manual: { status: 'online', at: 1 } }],
    ['manual without at', { manual: { status: 'busy' } }],
    ['manual not an object', { manual: 'busy' }],
    ['custom without at', { custom: { status: { text: 'x' } } }],
    ['custom text too long', { custom: { status: { text: 'x'.repeat(401) }, at: 1 } }],
    ['custom text not a string', { custom: { status: { text: 5 }, at: 1 } }],
    ['custom emoji too long', { custom: { status: { text: 'x', emoji: 'x'.repeat(33) }, at: 1 } }],
    ['custom expiresAt negative', { custom: { status: { text: 'x', expiresAt: -1 }, at: 1 } }],
    ['calendar text too long', { calendar: { text: 'x'.repeat(401), until: 1 } }],
    ['calendar without until', { calendar: { text: 'x' } }],
    ['activity without action', { activity: { target: 'timeline' } }],
    ['activity action empty', { activity: { action: '' } }],
    ['activity action too long', { activity: { action: 'x'.repeat(65) } }],
    ['activity target too long', { activity: { action: 'a', target: 'x'.repeat(129) } }],
    ['activity weddingId too long', { activity: { action: 'a', weddingId: 'x'.repeat(129) } }],
    ['activity page too long', { activity: { action: 'a', page: 'x'.repeat(257) } }],
    ['profile name too long', { profile: { name: 'x'.repeat(101) } }],
    ['profile role too long', { profile: { role: 'x'.repeat(65) } }],
    ['avatar javascript:', { profile: { avatarUrl: 'javascript:alert(1)' } }],
    ['avatar JavaScript: (any case)', { profile: { avatarUrl: 'JavaScript:alert(1)' } }],
    ['avatar data:', { profile: { avatarUrl: 'data:image/svg+xml,<svg onload=alert(1)>' } }],
    ['avatar protocol-relative', { profile: { avatarUrl: '//evil.example.com/x.png' } }],
    ['avatar with leading space', { profile: { avatarUrl: ' https://x.example.com/a.png' } }],
    ['avatar too long', { profile: { avatarUrl: `https://x.example.com/${'a'.repeat(2048)}` } }],
  ])('rejects %s', (_name, patch) => {
    rejects(with_(patch))
  })

  it.each<[string, Record<string, unknown>]>([
    ['session at the maximum length', { session: 'x'.repeat(META_LIMITS.idLength) }],
    ['seq zero', { seq: 0 }],
    ['seq the largest safe integer', { seq: Number.MAX_SAFE_INTEGER }],
    ['lease at the minimum', { lease: META_LIMITS.minLeaseMs }],
    ['lease at the maximum', { lease: META_LIMITS.maxLeaseMs }],
    ['activeAgo zero', { activeAgo: 0 }],
    ['custom text at the maximum length', { custom: { status: { text: 'ab'.repeat(50) }, at: 1 } }],
    ['activity with only an action', { activity: { action: 'viewing' } }],
    ['activity page at the maximum', { activity: { action: 'a', page: 'x'.repeat(256) } }],
    ['profile name at the maximum', { profile: { name: 'x'.repeat(100) } }],
    ['empty profile', { profile: {} }],
    ['avatar http', { profile: { avatarUrl: 'http://x.example.com/a.png' } }],
    ['avatar HTTPS upper case', { profile: { avatarUrl: 'HTTPS://X.EXAMPLE.COM/A.PNG' } }],
  ])('accepts %s', (_name, patch) => {
    expect(parsed(with_(patch))).toMatchObject(patch)
  })

  it('names the failing field in its issues', () => {
    expect(rejects(with_({ lease: 5 }))).toContain('lease')
    expect(rejects(with_({ profile: { avatarUrl: 'javascript:alert(1)' } }))).toContain(
      'profile.avatarUrl',
    )
    expect(rejects(null)).toContain('(root)')
  })

  it('sanitizes custom status text and emoji', () => {
    const meta = parsed(
      with_({
        custom: {
          status: {
            text: '  At a\u202e venue\n until\u200b 15:00 ',
            emoji: '👩‍🌾💒',
            expiresAt: 9,
          },
          at: 5,
        },
      }),
    )
    expect(meta.custom).toEqual({
      status: { text: 'At a venue until 15:00', emoji: '👩‍🌾', expiresAt: 9 },
      at: 5,
    })
  })

  it('cuts custom text to 100 graphemes', () => {
    const meta = parsed(with_({ custom: { status: { text: '💒'.repeat(150) }, at: 1 } }))
    expect(meta.custom?.status?.text).toBe('💒'.repeat(100))
  })

  it('drops an emoji that sanitizes to nothing, and keeps markup as inert text', () => {
    const meta = parsed(
      with_({
        custom: { status: { text: '<img src=x onerror=alert(1)>', emoji: '\u200b' }, at: 1 },
      }),
    )
    expect(meta.custom?.status).toEqual({ text: '<img src=x onerror=alert(1)>' })
  })

  it('sanitizes other text shown to people: calendar text, profile name and role', () => {
    const meta = parsed(
      with_({
        calendar: { text: 'Tasting\u202e\n with  caterer', until: 7 },
        profile: {
          name: '\u202eAna\u0000 Lima',
          role: 'planner\u200b\n',
          avatarUrl: 'https://x.io/a',
        },
      }),
    )
    expect(meta.calendar).toEqual({ text: 'Tasting with caterer', until: 7 })
    expect(meta.profile).toEqual({ name: 'Ana Lima', role: 'planner', avatarUrl: 'https://x.io/a' })
    const blank = parsed(with_({ profile: { name: '\u200b', role: ' ' } }))
    expect(blank.profile).toEqual({})
  })

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true }),
        (input) => {
          const result = parseSessionMeta(input)
          expect(typeof result.ok).toBe('boolean')
        },
      ),
      { numRuns: 1_000 },
    )
  })

  it('never throws on near-valid metas, and what it accepts parses again to itself', () => {
    fc.assert(
      fc.property(fc.dictionary(metaField, fc.anything(), { maxKeys: 3 }), (patch) => {
        const result = parseSessionMeta({ ...FULL, ...patch })
        if (result.ok) expect(parsed(result.meta)).toEqual(result.meta)
      }),
      { numRuns: 1_000 },
    )
  })
})

describe('parseSessionMeta against a previous meta', () => {
  /** Values near each field's bounds and of the wrong kinds. */
  const edgy = fc.oneof(
    fc.anything({ withNullPrototype: true, withBigInt: true }),
    fc.constantFrom(
      -1,
      0,
      1,
      1.5,
      999,
      1_000,
      30_000,
      META_LIMITS.maxLeaseMs,
      META_LIMITS.maxLeaseMs + 1,
      Number.MAX_SAFE_INTEGER,
      2 ** 53,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -0,
      '1',
      null,
      'online',
      'idle',
      'away',
      'busy',
      'offline',
      [],
      {},
      { status: 'busy', at: 1 },
      { status: null, at: 0 },
      { status: 'away', at: -1 },
      { status: 'online', at: 1 },
      { status: 'busy' },
      { status: 'busy', at: 1, extra: 2 },
      { status: 'away', at: 1.5 },
      [{ status: 'busy', at: 1 }],
    ),
  )

  it('gives what a parse from scratch gives, for metas that differ in any fields', () => {
    fc.assert(
      fc.property(
        fc.dictionary(metaField, edgy, { maxKeys: 3 }),
        fc.dictionary(metaField, edgy, { maxKeys: 3 }),
        (before, patch) => {
          const previous = parseSessionMeta({ ...FULL, ...before })
          if (!previous.ok) return
          const input = { ...previous.meta, ...patch }
          expect(parseSessionMeta(input, previous.meta)).toEqual(parseSessionMeta(input))
        },
      ),
      { numRuns: 2_000 },
    )
  })
})

describe('isValidPresenceKey', () => {
  it.each<[unknown, boolean]>([
    ['user-1', true],
    ['x', true],
    ['x'.repeat(META_LIMITS.idLength), true],
    ['x'.repeat(META_LIMITS.idLength + 1), false],
    ['', false],
    ['ids', false],
    ['__proto__', false],
    ['constructor', false],
    ['prototype', false],
    ['IDS', true],
    [1, false],
    [null, false],
    [undefined, false],
    [{}, false],
  ])('%j → %s', (key, valid) => {
    expect(isValidPresenceKey(key)).toBe(valid)
  })
})
