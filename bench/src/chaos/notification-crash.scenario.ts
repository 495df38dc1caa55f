/**
 * The notification router's process SIGKILLed in the middle of releasing: a presence server with
 * the router in its own process (Postgres on the shared 127.0.0.1:5432, a fresh schema), 20
 * routine notifications held over HTTP for a busy florist, then the florist comes online and the
 * router releases them one by one through hooks that post to a receiver here. When the 4th
 * arrives, the receiver kills the process instead of answering: 3 delivered and marked, the 4th's
 * hook cut short, 16 still claimed by the dead instance. A new instance is started on the same
 * database. The promise (docs/notification-routing.md): every notification is delivered, none
 * twice, within about the claim lease plus the poll after the crash.
 */
import type { ChildProcess } from 'node:child_process'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import { forkModule, next, stopAll } from '../child-processes.js'
import type { NotificationServerConfig } from './notification-server-process.js'
import { type Check, equals, type Scenario, withinMs } from './scenario.js'
import { accessToken } from './status-traffic.js'
import { createChangeSignal, waitFor } from './wait-for.js'

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test'
const SECRET = 'chaos-secret-chaos-secret-chaos-secret-42'
const HELD = 20
/** The killed instance answers this many, and dies as the next one reaches its hook. */
const DELIVERED_BEFORE_KILL = 3
/** Short, so the scenario does not wait the default minute; hooks take milliseconds. */
const LEASE_MS = 5_000
const POLL_MS = 1_000
/** Releasing the 17 left (a hook and a mark each) after the lease and the poll. */
const RELEASE_MARGIN_MS = 1_000
const WAIT_FAIL_MS = 60_000
const PLANNER = 'u-planner'
const FLORIST = 'u-florist'

interface Delivery {
  readonly id: string
  readonly route: string
  readonly instanceId: string
  readonly at: number
}

export const scenario: Scenario = {
  title: `the notification router SIGKILLed after ${DELIVERED_BEFORE_KILL} of ${HELD} held releases`,
  quick: false,
  async run(): Promise<Check[]> {
    const schema = `presence_chaos_notify_${process.pid}`
    const attempts: Delivery[] = []
    const delivered: Delivery[] = []
    const deliveries = createChangeSignal()
    let first: ChildProcess | undefined
    let killedAt: number | undefined

    // The hooks' receiver. A delivery counts once it is answered; the 4th to the first instance
    // is never answered: its process is killed while its hook waits.
    const receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = ''
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString()
      })
      req.on('end', () => {
        const delivery = { ...(JSON.parse(body) as Omit<Delivery, 'at'>), at: performance.now() }
        attempts.push(delivery)
        const fromFirst = attempts.filter((a) => a.instanceId === 'router-a').length
        if (delivery.instanceId === 'router-a' && fromFirst > DELIVERED_BEFORE_KILL) {
          killedAt ??= performance.now()
          first?.kill('SIGKILL')
        } else {
          delivered.push(delivery)
          res.writeHead(204).end()
        }
        deliveries.changed()
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`

    const deliveredIds = () => new Set(delivered.map((d) => d.id))
    const until = (what: string, check: () => boolean) =>
      waitFor(what, check, deliveries, WAIT_FAIL_MS)

    const start = async (instanceId: string) => {
      const config: NotificationServerConfig = {
        databaseUrl: DATABASE_URL,
        schema,
        secret: SECRET,
        receiverUrl,
        instanceId,
        leaseMs: LEASE_MS,
        pollMs: POLL_MS,
        team: { id: 'wedding-chaos', members: [PLANNER, FLORIST] },
      }
      const child = forkModule(new URL('./notification-server-process.ts', import.meta.url), [
        JSON.stringify(config),
      ])
      const { url } = await next<{ url: string }>(child, 'ready', WAIT_FAIL_MS)
      return { child, url }
    }
    const call = async (url: string, userId: string, path: string, body: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${accessToken(SECRET, userId)}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      })
      const answer = (await response.json()) as { held?: boolean }
      if (!response.ok) throw new Error(`${path} answered ${response.status}`)
      return answer
    }

    const children: ChildProcess[] = []
    try {
      const a = await start('router-a')
      first = a.child
      children.push(a.child)
      const firstExited = new Promise<void>((resolve) => a.child.once('exit', () => resolve()))
      await call(a.url, FLORIST, '/presence/status', { status: 'busy' })
      const ids = Array.from({ length: HELD }, (_, i) => `note-${String(i + 1).padStart(2, '0')}`)
      let held = 0
      for (const id of ids) {
        const answer = await call(a.url, PLANNER, '/presence/notifications', {
          id,
          recipientId: FLORIST,
          urgency: 'routine',
          payload: { text: `Bouquet question ${id}` },
        })
        if (answer.held) held++
      }
      // The florist is free: the router starts releasing the 20, and dies at the 4th hook.
      await call(a.url, FLORIST, '/presence/status', { status: 'online' })
      await firstExited
      const beforeKill = delivered.length

      const b = await start('router-b')
      children.push(b.child)
      await until(`all ${HELD} delivered after the restart`, () => deliveredIds().size >= HELD)
      const allAt = Math.max(...delivered.map((d) => d.at))
      const twice = delivered.length - deliveredIds().size
      const cut = attempts.length - delivered.length
      console.log(
        `hook calls ${attempts.length}: ${delivered.length} delivered (${beforeKill} by the killed ` +
          `instance), ${cut} cut by the kill (${attempts
            .filter((a) => !delivered.includes(a))
            .map((a) => a.id)
            .join(', ')}), repeated by the new instance once its lease ran out`,
      )
      return [
        equals(`notifications held while the florist is busy`, held, HELD),
        equals(
          'delivered by the killed instance before the kill',
          beforeKill,
          DELIVERED_BEFORE_KILL,
        ),
        equals(`notifications delivered (of ${HELD})`, deliveredIds().size, HELD),
        equals('notifications delivered twice', twice, 0),
        withinMs(
          'all delivered, from the kill',
          allAt - killedAt!,
          LEASE_MS + POLL_MS + RELEASE_MARGIN_MS,
        ),
      ]
    } finally {
      await stopAll(children)
      receiver.closeAllConnections()
      await new Promise<void>((resolve) => receiver.close(() => resolve()))
      const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 })
      await admin.query(`drop schema if exists "${schema}" cascade`).finally(() => admin.end())
    }
  },
}
