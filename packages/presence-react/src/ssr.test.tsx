// @vitest-environment node
// Server rendering in plain Node (no DOM): importing the package and rendering every hook inside a
// PresenceProvider reads no `window`, enters no room, and warns about nothing.
import { afterEach, describe, expect, it, vi } from 'vitest'

const ROOM = 'wedding:123'

afterEach(() => {
  Reflect.deleteProperty(globalThis, 'window')
  vi.restoreAllMocks()
})

describe('server rendering', () => {
  it('renders every hook with renderToString and never touches window', async () => {
    expect(typeof window).toBe('undefined')
    expect(typeof document).toBe('undefined')
    const { renderToString } = await import('react-dom/server')
    const { createElement } = await import('react')
    const { createPresenceClient } = await import('@wedsync/presence-core')
    const { createFakeClock, createMemoryHub } = await import('@wedsync/presence-testing')
    const errors = vi.spyOn(console, 'error')
    // From here on, reading `window` (even `typeof window`) throws.
    const reads: string[] = []
    Object.defineProperty(globalThis, 'window', {
      configurable: true,
      get() {
        reads.push(new Error().stack ?? '')
        throw new Error('window was read during server rendering')
      },
    })

    const presence = await import('./index.js')
    const clock = createFakeClock()
    const client = createPresenceClient({
      transport: createMemoryHub({ clock }).connect('venue'),
      userId: 'u-venue',
      clock,
    })
    const timers = clock.pending() // the client's own idle timer
    // biome-ignore lint/correctness/noComponentHookFactories: its hooks come from the import above, made after the window trap.
    function Board() {
      const room = presence.useRoom(ROOM, { activity: { action: 'viewing', target: 'timeline' } })
      const members = presence.useMembers(ROOM)
      const online = presence.useMembers(ROOM, (_, snapshot) => snapshot.counts.online)
      const photo = presence.useMember(ROOM, 'u-photo')
      const [me] = presence.useMyPresence()
      const connection = presence.useConnectionStatus(ROOM)
      const lastSeen = presence.useLastSeen(clock.now() - 5 * 60_000, {
        locale: 'en-GB',
        timeZone: 'UTC',
      })
      presence.useBroadcast(ROOM, 'ceremony-moved', () => {})
      return createElement(
        'p',
        null,
        [
          room ? 'room' : 'no room',
          members.length,
          online,
          photo?.status ?? 'no photographer',
          me.status,
          connection,
          lastSeen,
        ].join(' | '),
      )
    }
    const html = renderToString(
      createElement(presence.PresenceProvider, { client, clock }, createElement(Board)),
    )
    expect(html).toBe(
      '<p>no room | 0 | 0 | no photographer | online | closed | active 5 min ago</p>',
    )
    expect(reads).toEqual([])
    expect(client.room(ROOM)).toBeUndefined()
    expect(clock.pending()).toBe(timers) // no ticker either: subscriptions do not run
    expect(errors).not.toHaveBeenCalled()
    client.destroy()
  })
})
