/**
 * The coordination examples (examples/*.mjs, shown in docs/) run and print what their guides say.
 */
import { describe, expect, it } from 'vitest'

describe('coordination examples', () => {
  it('notification-routing.mjs', async () => {
    const { main } = await import('../examples/notification-routing.mjs')
    expect(await main()).toEqual([
      'routine to someone online: in-app',
      'routine to someone idle: in-app + push',
      'routine to someone busy: hold until 15:00 UTC at the latest',
      'routine to someone offline: fallback',
      'emergency to someone busy: in-app + push + fallback',
      '  in-app → u-photo: Final timeline attached',
      'u-photo: sent via in-app',
      'u-florist: held',
      '  email → u-caterer: Final timeline attached',
      'u-caterer: sent via fallback',
      '  in-app → u-florist: Final timeline attached',
      'u-florist came online: 1 held notification released',
    ])
  })

  it('calendar-busy.mjs', async () => {
    const { main } = await import('../examples/calendar-busy.mjs')
    expect(await main()).toEqual([
      'feed: 4 events (fetched), then not-modified',
      'now: calendar — 💒 In a ceremony — Oakwood Barn until 14:30',
      'next visit: Venue visit at Riverside Hall',
    ])
  })

  it('team-availability.mjs', async () => {
    const { main } = await import('../examples/team-availability.mjs')
    expect(await main()).toEqual([
      '3 of 5 suppliers are online; the caterer is busy until 15:30; the florist is usually back by 13:30',
      'available: u-dj, u-photo, u-venue',
      'busy: u-caterer until 15:30',
      'usually back: u-florist by 13:30',
    ])
  })

  it('webhook-receiver.mjs', async () => {
    const { main } = await import('../examples/webhook-receiver.mjs')
    expect(await main()).toEqual([
      'subscribed (201): presence.online, presence.offline, presence.custom_status_changed',
      'secret shown once: whsec_…',
      'presence.online u-photo (online)',
      'presence.custom_status_changed u-photo (busy): Shooting the ceremony',
      'presence.offline u-photo (offline)',
      'first delivery of msg_demo: 204',
      'the same event again: 204 (handled once)',
      'a tampered body: 400',
    ])
  })

  it('insights.mjs', async () => {
    const { main } = await import('../examples/insights.mjs')
    const lines = await main()
    expect(lines.slice(0, 2)).toEqual([
      'u-dj: No recorded presence history in this period.',
      'u-photo on Tuesdays, 12:00–15:00: 0, 1, 1',
    ])
    expect(lines.slice(2)).toEqual([
      'meet 2026-06-15 13:00 London: 4 likely (u-venue, u-planner, u-photo, u-florist)',
      'meet 2026-06-16 13:00 London: 4 likely (u-venue, u-planner, u-photo, u-florist)',
      'meet 2026-06-17 13:00 London: 4 likely (u-venue, u-planner, u-photo, u-florist)',
    ])
  })
})
