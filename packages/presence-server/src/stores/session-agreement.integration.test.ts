/**
 * Server sessions on the real Postgres (127.0.0.1:5432): the room/server agreement on the
 * Postgres store (fewer runs than on memory: every report is a round trip), and two store
 * instances on one schema — as two servers would be — writing one user's sessions and sweeping at
 * once: the aggregate is that of the stored sessions and every transition is recorded once.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createAgreementWorld,
  finely,
  type Step,
  stepArbitrary,
} from '../../test/session-agreement.js'
import { DATABASE_URL, dropSchema, schemaName, testPool } from '../../test/support.js'
import type { PresenceStore } from './presence-store.js'
import { createPostgresStore } from './store-postgres.js'

const T0 = Date.UTC(2026, 5, 13, 9, 0)
const admin = testPool(2)
const schema = schemaName('sessions')
let first: PresenceStore
let second: PresenceStore

beforeAll(async () => {
  first = await createPostgresStore({ connectionString: DATABASE_URL, schema, max: 4 })
  second = await createPostgresStore({
    connectionString: DATABASE_URL,
    schema,
    max: 4,
    migrate: false,
  })
})
afterAll(async () => {
  await first.close()
  await second.close()
  await dropSchema(admin, schema)
  await admin.end()
})

const truncate = () =>
  admin.query(
    `truncate "${schema}".user_last_seen, "${schema}".presence_sessions, "${schema}".presence_events`,
  )

describe('server sessions on Postgres', () => {
  it('agree with the room: 50 random histories of 30 steps', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArbitrary, { minLength: 30, maxLength: 30 }),
        async (steps: Step[]) => {
          await truncate()
          const world = createAgreementWorld({ store: first })
          try {
            for (const [i, step] of finely(steps).entries()) {
              await world.apply(step)
              const { room, server } = await world.compare()
              expect(server, `after step ${i}: ${JSON.stringify(step)}`).toEqual(room)
            }
          } finally {
            await world.close()
          }
        },
      ),
      { numRuns: 50, seed: 1717 },
    )
  })

  it('two instances writing one user and sweeping at once record each transition once', async () => {
    await truncate()
    const devices = Array.from({ length: 8 }, (_, i) => `device-${i}`)
    // Every device reports at once, half through each instance; half of them idle.
    await Promise.all(
      devices.map((sessionId, i) =>
        (i % 2 ? second : first).recordStatus({
          userId: 'u-ana',
          sessionId,
          status: i < 4 ? 'online' : 'idle',
          session: { automatic: i < 4 ? 'online' : 'idle' },
          at: T0,
          leaseUntil: T0 + (i < 4 ? 30_000 : 60_000),
        }),
      ),
    )
    const stored = await first.sessionsOf!('u-ana')
    expect(stored.map((x) => x.sessionId).sort()).toEqual(devices)
    const [seen] = await second.presenceFor('u-viewer', ['u-ana'])
    expect(seen?.presence?.status).toBe('online')
    expect((await first.statusEvents('u-ana')).map((e) => e.to)).toEqual(['online'])
    // Both instances sweep when the online devices' leases end: one transition to idle.
    const sweeps = await Promise.all([
      first.sweepSessions!(T0 + 30_000),
      second.sweepSessions!(T0 + 30_000),
      first.sweepSessions!(T0 + 30_000),
      second.sweepSessions!(T0 + 30_000),
    ])
    expect(sweeps.flatMap((r) => r.transitions).map((e) => [e.from, e.to])).toEqual([
      ['online', 'idle'],
    ])
    // The expired devices are kept for the grace, counting for nothing.
    const sessions = await first.sessionsOf!('u-ana')
    expect(sessions.filter((x) => x.leaseUntil > T0 + 30_000)).toHaveLength(4)
    await Promise.all([first.sweepSessions!(T0 + 60_000), second.sweepSessions!(T0 + 60_000)])
    const events = await second.statusEvents('u-ana')
    expect(events.map((e) => e.to)).toEqual(['online', 'idle', 'offline'])
    for (let i = 1; i < events.length; i++) expect(events[i]?.from).toBe(events[i - 1]?.to)
  })

  it('a claim whose sweeper died is taken up again once its claim lease ends', async () => {
    await truncate()
    await first.recordStatus({ userId: 'u-ana', sessionId: 'phone', status: 'online', at: T0 })
    // An instance claimed the due user, then died before recomputing it.
    await admin.query(
      `update "${schema}".user_last_seen set sweep_at = to_timestamp($1::float8 / 1000)`,
      [T0 + 60_000],
    )
    expect((await second.sweepSessions!(T0 + 30_000)).transitions).toEqual([])
    const later = await second.sweepSessions!(T0 + 60_000)
    expect(later.transitions.map((e) => e.to)).toEqual(['offline'])
  })
})
