import { describe, expect, it } from 'vitest'
import { checkEntry, MAX_REF_LENGTH, type MirrorUpdate, PresenceMirror } from './presence-mirror.js'

const entry = (ref: string, meta: Record<string, unknown> = {}) => ({ ...meta, presence_ref: ref })

/** The metas of a join or leave the update passes on. */
const metasOf = (update: MirrorUpdate) =>
  update.event && update.event.type !== 'sync' ? update.event.metas : undefined

describe('checkEntry', () => {
  it('turns realtime-js entries into {ref, meta} without the ref fields', () => {
    const raw = { status: 'online', nested: { n: 1 }, presence_ref: 'R1', phx_ref_prev: 'R0' }
    const result = checkEntry(raw)
    expect(result).toEqual({
      ok: true,
      meta: { ref: 'R1', meta: { status: 'online', nested: { n: 1 } } },
    })
    // A fresh object: nothing done to it reaches the entry realtime-js holds.
    expect(result.ok && result.meta.meta).not.toBe(raw)
  })

  it.each([
    ['null', null],
    ['a string', 'meta'],
    ['an array', [{ presence_ref: 'R' }]],
    ['no ref (the realtime-js 2.100–2.110.8 ghost)', { status: 'online' }],
    ['an empty ref', { presence_ref: '' }],
    ['a numeric ref', { presence_ref: 7 }],
    ['an overlong ref', { presence_ref: 'r'.repeat(MAX_REF_LENGTH + 1) }],
  ])('refuses %s', (_name, raw) => {
    expect(checkEntry(raw).ok).toBe(false)
  })

  it('never lets a __proto__ key set the prototype of the meta', () => {
    const raw = JSON.parse('{"presence_ref":"R","__proto__":{"polluted":true},"ok":1}')
    const result = checkEntry(raw)
    expect(result.ok).toBe(true)
    const meta = result.ok ? (result.meta.meta as Record<string, unknown>) : {}
    expect(Object.getPrototypeOf(meta)).toBe(Object.prototype)
    expect(meta).toEqual({ ok: 1 })
    expect((meta as { polluted?: boolean }).polluted).toBeUndefined()
  })
})

describe('PresenceMirror', () => {
  it('passes joins on and leaves only the refs it holds', () => {
    const mirror = new PresenceMirror()
    expect(mirror.join('u1', [entry('A', { tab: 1 }), entry('B', { tab: 2 })]).event).toEqual({
      type: 'join',
      key: 'u1',
      metas: [
        { ref: 'A', meta: { tab: 1 } },
        { ref: 'B', meta: { tab: 2 } },
      ],
    })
    // The leave carries the meta as the leave reports it: the core reads only its ref.
    expect(mirror.leave('u1', [entry('A', { tab: 1 })]).event).toEqual({
      type: 'leave',
      key: 'u1',
      metas: [{ ref: 'A', meta: { tab: 1 } }],
    })
    expect(mirror.leave('u1', [entry('A')]).event).toBeUndefined()
    expect(mirror.size).toBe(1)
    mirror.leave('u1', [entry('B')])
    expect(mirror.size).toBe(0)
  })

  it('treats an update as a join of the new ref and a leave of the old one', () => {
    const mirror = new PresenceMirror()
    mirror.join('u1', [entry('A', { step: 1 })])
    mirror.join('u1', [entry('A2', { step: 2 })])
    expect(metasOf(mirror.leave('u1', [entry('A', { step: 1 })]))).toHaveLength(1)
    expect(metasOf(mirror.leave('u1', [entry('A2')]))).toEqual([{ ref: 'A2', meta: {} }])
    expect(mirror.size).toBe(0)
  })

  it('holds a ref once, however often it joins', () => {
    const mirror = new PresenceMirror()
    mirror.join('u1', [entry('A', { step: 1 }), entry('B', { step: 1 })])
    mirror.join('u1', [entry('A', { step: 2 })])
    expect(metasOf(mirror.leave('u1', [entry('B'), entry('A')]))).toHaveLength(2)
    expect(mirror.leave('u1', [entry('A')]).event).toBeUndefined()
    expect(mirror.size).toBe(0)
  })

  it('ignores leaves of refs it never held and emits nothing for them', () => {
    const mirror = new PresenceMirror()
    expect(mirror.leave('nobody', [entry('X')])).toEqual({ dropped: [] })
    mirror.join('u1', [entry('A')])
    expect(mirror.leave('u1', [entry('X')])).toEqual({ dropped: [] })
    expect(mirror.size).toBe(1)
  })

  it('drops and reports malformed entries, keeping the good ones of the same join', () => {
    const mirror = new PresenceMirror()
    const update = mirror.join('u1', [entry('A', { ok: true }), { ok: false }, 42])
    expect(update.event).toEqual({
      type: 'join',
      key: 'u1',
      metas: [{ ref: 'A', meta: { ok: true } }],
    })
    expect(update.dropped).toEqual([
      { key: 'u1', reason: 'an entry without a valid presence_ref' },
      { key: 'u1', reason: 'an entry that is not an object' },
    ])
    // A leave entry without a ref cannot remove anything: reported, the ref kept.
    expect(mirror.leave('u1', [{ ok: true }]).dropped).toHaveLength(1)
    expect(mirror.leave('u1', [entry('A')]).event?.type).toBe('leave')
  })

  it.each([
    ['"ids", which breaks realtime-js', 'ids'],
    ['__proto__', '__proto__'],
    ['an empty key', ''],
    ['a key longer than a user id', 'k'.repeat(129)],
    ['a non-string key', 12],
  ])('drops a join under %s', (_name, key) => {
    const mirror = new PresenceMirror()
    const update = mirror.join(key, [entry('A')])
    expect(update.event).toBeUndefined()
    expect(update.dropped).toEqual([{ key: String(key), reason: 'an invalid presence key' }])
    expect(mirror.size).toBe(0)
  })

  it('drops presences that are not a list', () => {
    const mirror = new PresenceMirror()
    expect(mirror.join('u1', { presence_ref: 'A' })).toEqual({
      dropped: [{ key: 'u1', reason: 'presences that are not a list' }],
    })
    expect(mirror.size).toBe(0)
  })

  it('resyncs from presenceState(): the room for the sync, and the refs start over', () => {
    const mirror = new PresenceMirror()
    mirror.join('gone', [entry('G')])
    const room = JSON.parse(
      JSON.stringify({
        u1: [entry('A', { tab: 1 }), entry('B', { tab: 2 })],
        u2: [{ tab: 3 }],
        ids: [entry('I')],
      }),
    )
    const { state, dropped } = mirror.resync(room)
    expect(Object.getPrototypeOf(state)).toBeNull()
    expect({ ...state }).toEqual({
      u1: [
        { ref: 'A', meta: { tab: 1 } },
        { ref: 'B', meta: { tab: 2 } },
      ],
    })
    expect(dropped.map((d) => d.reason).sort()).toEqual([
      'an entry without a valid presence_ref',
      'an invalid presence key',
    ])
    // Refs held before the resync are forgotten; those in it can leave.
    expect(mirror.leave('gone', [entry('G')]).event).toBeUndefined()
    expect(metasOf(mirror.leave('u1', [entry('B')]))).toEqual([{ ref: 'B', meta: {} }])
    expect(mirror.size).toBe(1)
  })

  it.each([
    ['null', null],
    ['a string', 'state'],
  ])('resyncs %s as an empty room', (_name, room) => {
    const mirror = new PresenceMirror()
    mirror.join('u1', [entry('A')])
    expect({ ...mirror.resync(room).state }).toEqual({})
    expect(mirror.size).toBe(0)
  })

  it('clear forgets everything', () => {
    const mirror = new PresenceMirror()
    mirror.join('u1', [entry('A')])
    mirror.clear()
    expect(mirror.size).toBe(0)
    expect(mirror.leave('u1', [entry('A')]).event).toBeUndefined()
  })
})
