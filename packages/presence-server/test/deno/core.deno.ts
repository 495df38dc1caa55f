/**
 * presence-core under Deno, as an Edge Function or a Deno server would load it: the built package,
 * two clients over presence-testing's in-memory hub, time from its fake clock. Run by
 * src/deno.integration.test.ts with the `deno` binary from the npm registry.
 */
import { createPresenceClient } from '@wedsync/presence-core'
import { createFakeClock, createMemoryHub } from '@wedsync/presence-testing'

/** The part of Deno's API this file uses, so tsc (which has no Deno types here) checks it too. */
const { Deno } = globalThis as unknown as {
  Deno: { test(name: string, fn: () => Promise<void>): void }
}

function assertEquals(actual: unknown, expected: unknown): void {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)]
  if (a !== e) throw new Error(`expected ${e}, got ${a}`)
}

Deno.test('two clients see each other; one that vanishes goes offline within its lease', async () => {
  const clock = createFakeClock()
  const hub = createMemoryHub({ clock })
  const ana = createPresenceClient({ transport: hub.connect('ana'), userId: 'u-ana', clock })
  const ben = createPresenceClient({ transport: hub.connect('ben'), userId: 'u-ben', clock })
  const room = ana.enter('wedding:123')
  ben.enter('wedding:123', { activity: { action: 'viewing', target: 'timeline' } })
  await clock.advance(1_000)
  assertEquals(room.member('u-ben')?.status, 'online')
  assertEquals(room.member('u-ben')?.activity?.target, 'timeline')

  // Ben's laptop lid shuts: no leave, no heartbeat. Ana's room shows him offline by lease.
  hub.disconnect('ben', { silent: true })
  await clock.advance(31_000)
  assertEquals(room.member('u-ben')?.status ?? 'offline', 'offline')
  assertEquals(room.member('u-ana')?.status, 'online')
  ana.destroy()
  ben.destroy()
})
