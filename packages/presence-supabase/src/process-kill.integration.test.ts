/**
 * A client whose process dies or freezes, in real time (the only test here that measures wall
 * time, against a generous upper bound): a SIGKILLed process leaves the others within the lease;
 * a SIGSTOPped one, whose socket stays open and silent, is shown offline by the observer's own
 * lease before the server notices anything.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createPresenceClient } from '@wedsync/presence-core'
import type { RealtimeServer } from '@wedsync/presence-testing/server'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestWorld, untilRoom } from '../test/test-supabase.js'

const world = createTestWorld()
const children: ChildProcess[] = []
const cleanups: (() => void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup()
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
  await world.cleanup()
})

const CHILD = fileURLToPath(new URL('../test/test-client-process.ts', import.meta.url))

function spawnClient(url: string, roomId: string, userId: string, heartbeat = {}) {
  const child = fork(CHILD, [url, roomId, userId, JSON.stringify(heartbeat)], {
    execArgv: ['--conditions=@wedsync/source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  children.push(child)
  const joined = new Promise<string>((resolve, reject) => {
    child.on('message', (message: { type: string; sessionId: string }) => {
      if (message.type === 'joined') resolve(message.sessionId)
    })
    child.once('exit', (code) => reject(new Error(`the client process exited (${code})`)))
  })
  return { child, joined }
}

/** An observer in `roomId` and a client process in it, once the observer sees that client. */
async function watchedProcess(server: RealtimeServer, roomId: string, heartbeat = {}) {
  const client = createPresenceClient({
    transport: world.transport(server),
    userId: 'u-venue',
    heartbeat,
  })
  cleanups.push(() => client.destroy())
  const board = client.enter(roomId)
  const { child, joined } = spawnClient(server.url, roomId, 'u-laptop', heartbeat)
  const sessionId = await joined
  await untilRoom(
    board,
    'the process online',
    () => board.member('u-laptop')?.sessions[0]?.sessionId === sessionId,
    30_000,
  )
  const offline = (failMs: number) =>
    untilRoom(
      board,
      'the process offline',
      () => board.member('u-laptop')?.status === 'offline',
      failMs,
    )
  return { child, offline }
}

describe('a client process that dies', () => {
  it('killed with SIGKILL, it disappears from the others within the lease', {
    timeout: 90_000,
  }, async () => {
    const server = await world.start()
    const { child, offline } = await watchedProcess(server, 'wedding:kill')
    child.kill('SIGKILL')
    // The default lease is 30 s; the operating system closes the dead process's socket, so the
    // server reports the leave at once. Allow the lease plus a wide margin for a loaded machine.
    const elapsed = await offline(45_000)
    expect(elapsed).toBeLessThan(30_000 + 15_000)
    expect(server.stats().presences).toBe(1) // only the observer is left
  })

  it('frozen with SIGSTOP (socket open, silent), the observer’s lease shows it offline', {
    timeout: 90_000,
  }, async () => {
    // Everything ten times faster than the defaults, in the same proportions (heartbeat 1.5 s,
    // lease 3 s, 5 calls per 3 s window), with the server's presence window to match.
    const heartbeat = { intervalMs: 1_500, leaseMs: 3_000, callWindowMs: 3_000, callMarginMs: 100 }
    const server = await world.start({ limits: { presence: { calls: 5, windowMs: 3_000 } } })
    const { child, offline } = await watchedProcess(server, 'wedding:freeze', heartbeat)
    child.kill('SIGSTOP')
    cleanups.push(() => child.kill('SIGKILL'))
    const elapsed = await offline(30_000)
    expect(elapsed).toBeLessThan(3_000 + 7_000)
    // The server still holds the frozen session (its idle timeout is 60 s): the lease did this.
    expect(server.stats().presences).toBe(2)
  })
})
