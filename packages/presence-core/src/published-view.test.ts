import { describe, expect, it } from 'vitest'
import { createLocalState, isHidden, reduceLocal } from './local-state.js'
import { metaFor, publishedView, toSessionMeta } from './published-view.js'
import { DEFAULT_STATUS_POLICY as POLICY } from './status-policy.js'

const ctx = { sessionId: 's', seq: 7, leaseMs: 30_000 }
const MIN = 60_000

describe('the published meta', () => {
  it('carries status, activeAgo and settings, and leaves out what privacy hides', () => {
    let s = createLocalState(0, { activity: { action: 'viewing' }, profile: { name: 'P' } })
    s = reduceLocal(s, { type: 'set-custom', custom: { text: 'venue', expiresAt: MIN } }, 0)
    const meta = toSessionMeta(s, 1_000, POLICY, ctx)
    expect(meta).toEqual({
      v: 1,
      session: 's',
      status: 'online',
      seq: 7,
      lease: 30_000,
      activeAgo: 1_000,
      custom: { status: { text: 'venue', expiresAt: MIN }, at: 0 },
      activity: { action: 'viewing' },
      profile: { name: 'P' },
    })
    expect(toSessionMeta(s, 2 * MIN, POLICY, ctx)).not.toHaveProperty('custom')
    expect(
      toSessionMeta(s, 0, POLICY, { ...ctx, activity: { action: 'editing' } }).activity,
    ).toEqual({ action: 'editing' })
    const hiddenBits = reduceLocal(
      s,
      { type: 'set-privacy', privacy: { showActivity: false, showLastSeen: false } },
      0,
    )
    const privateMeta = toSessionMeta(hiddenBits, 1_000, POLICY, ctx)
    expect(privateMeta).not.toHaveProperty('activity')
    expect(privateMeta).not.toHaveProperty('activeAgo')
    expect(
      isHidden(reduceLocal(s, { type: 'set-privacy', privacy: { visibility: 'nobody' } }, 0)),
    ).toBe(true)
    expect(isHidden(s)).toBe(false)
  })

  it('fingerprints only what people can see', () => {
    // The view's key is the fingerprint rooms compare: liveness (seq, lease, activeAgo) is not in it.
    const s = createLocalState(0)
    const a = publishedView(s, 1_000, POLICY)
    const b = publishedView(s, 2_000, POLICY)
    expect(a.key).toBe(b.key)
    expect(metaFor(a, 1_000, ctx)).not.toEqual(
      metaFor(b, 2_000, { ...ctx, seq: 8, leaseMs: 60_000 }),
    )
    expect(a.key).not.toBe(publishedView(s, 6 * MIN, POLICY).key)
    const hidden = reduceLocal(s, { type: 'set-privacy', privacy: { appearOffline: true } }, 0)
    expect(publishedView(hidden, 1_000, POLICY).key).toBe('')
  })
})
