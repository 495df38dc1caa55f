/**
 * The roster the bulk-read bench reads: `targets` people on two devices each (the session
 * fixture), in teams of 10, with privacy settings that make the checker work — 40% visible to
 * everyone, 30% to their teams, 20% to their contacts, 10% to nobody; some hide their activity,
 * some appear offline — and `viewers` who each share a team with 100 of the targets and are in
 * the contacts of targets/viewers of them. Which ids a viewer asks for, and the in-process timing
 * of the store's read (`presenceFor`) and of `readVisiblePresence` (the read plus leases and
 * redaction), live here too, so the HTTP bench and the server process agree on them.
 * Deterministic: the same spec writes the same rows.
 */
import { type PresenceStore, readVisiblePresence } from '@wedsync/presence-server'
import { median } from './harness.js'
import { inParallel, sessionChange } from './presence-session-fixture.js'

export interface RosterSpec {
  readonly targets: number
  readonly viewers: number
  /** Sessions stay live this long after seeding (the server's lease is as long). */
  readonly leaseMs: number
}

const TEAM_SIZE = 10
const TEAMS_PER_VIEWER = 10

export const targetId = (i: number) => `t-${String(i).padStart(5, '0')}`
export const viewerId = (j: number) => `v-${String(j).padStart(4, '0')}`

/** The `size` target ids viewer `j` asks for: a window of the roster that starts with `j`. */
export function idsFor(spec: RosterSpec, j: number, size: number): string[] {
  const start = (j * 37) % spec.targets
  return Array.from({ length: size }, (_, k) => targetId((start + k) % spec.targets))
}

const VISIBILITY = [
  'everyone',
  'everyone',
  'everyone',
  'everyone',
  'team',
  'team',
  'team',
  'contacts',
  'contacts',
  'nobody',
] as const

/** Writes the roster through the store's own API, 16 writes at a time. */
export async function seedRoster(
  store: PresenceStore,
  spec: RosterSpec,
  at: number,
): Promise<void> {
  const teams = Math.ceil(spec.targets / TEAM_SIZE)
  await inParallel(spec.targets, 16, async (i) => {
    const userId = targetId(i)
    for (const session of [0, 1] as const)
      await store.recordStatus(sessionChange(userId, i, session, at, at + spec.leaseMs))
    await store.updateSettings(
      userId,
      {
        visibility: VISIBILITY[i % VISIBILITY.length]!,
        ...(i % 20 === 5 ? { showActivity: false } : {}),
        ...(i % 25 === 3 ? { appearOffline: true } : {}),
      },
      at,
    )
    await store.addTeamMember({ teamId: `team-${Math.floor(i / TEAM_SIZE)}`, userId })
    // Each target keeps one viewer in their contacts.
    await store.addContact(userId, viewerId(i % spec.viewers))
  })
  await inParallel(spec.viewers, 16, async (j) => {
    for (let k = 0; k < TEAMS_PER_VIEWER; k++)
      await store.addTeamMember({ teamId: `team-${(j * 7 + k * 10) % teams}`, userId: viewerId(j) })
  })
}

export interface ReadTiming {
  readonly spec: RosterSpec
  readonly size: number
  readonly calls: number
}

export interface ReadTimes {
  /** `store.presenceFor` alone, ms. */
  readonly storeP50: number
  readonly storeP99: number
  /** `readVisiblePresence` (the read, leases, redaction), ms. */
  readonly visibleP50: number
  readonly visibleP99: number
  /** Entries the viewer sees with a status other than offline (privacy and leases applied). */
  readonly visibleOnline: number
}

const p99 = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.99))]!

/** Times `calls` sequential reads of `size` users by rotating viewers, each way, in process. */
export async function timeReads(store: PresenceStore, timing: ReadTiming): Promise<ReadTimes> {
  const { spec, size, calls } = timing
  const storeMs: number[] = []
  const visibleMs: number[] = []
  let visibleOnline = 0
  for (let c = 0; c < calls + 5; c++) {
    const j = c % spec.viewers
    const ids = idsFor(spec, j, size)
    let start = performance.now()
    await store.presenceFor(viewerId(j), ids)
    const storeTook = performance.now() - start
    start = performance.now()
    const views = await readVisiblePresence(store, viewerId(j), ids, {
      now: Date.now(),
      leaseMs: spec.leaseMs,
    })
    const visibleTook = performance.now() - start
    if (c < 5) continue // warm-up
    storeMs.push(storeTook)
    visibleMs.push(visibleTook)
    visibleOnline = views.filter((v) => v.status !== 'offline').length
  }
  return {
    storeP50: median(storeMs),
    storeP99: p99(storeMs),
    visibleP50: median(visibleMs),
    visibleP99: p99(visibleMs),
    visibleOnline,
  }
}
