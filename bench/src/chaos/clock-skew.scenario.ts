/**
 * Clock skew (issue 14, part 4): devices whose clocks are minutes off the server's. In an
 * unverified room and, at the same time, a verified one (signed metas, a 30 s skew limit), three
 * client processes run with clocks 5 minutes behind, 5 minutes ahead and correct. Three observers
 * in this process watch each room: one with a correct clock and one with each skew, so what a
 * skewed observer makes of the others is measured too.
 *
 * Each client goes through a life: it joins; sets busy by hand; is frozen by SIGSTOP right after
 * (a laptop lid shut: its socket stays open, so only the lease can tell); resumes (SIGCONT); and is
 * SIGKILLed (its socket closed: the server reports the leave). For each skew, the worst over the
 * three observers: how long after joining it is shown online, how far its "last active" is from
 * when it really was active, how long the busy takes to arrive, how long after its last update the
 * frozen client is shown offline (the lease: neither sooner, a live person shown gone, nor later,
 * a ghost), how long after resuming it is back, and how long after the kill it is shown offline.
 * Per room, every error observers and clients reported: a verified room drops and reports what it
 * cannot accept, and honest clients must cause none. A wait that never ends is measured as ∞ (a
 * missed bound), never a hang: it gives up after FAIL_MS.
 */
import type { Clock, PresenceError } from '@wedsync/presence-core'
import { createSessionTrust } from '@wedsync/presence-core/trust'
import { createNodeCryptoSuite } from '@wedsync/presence-core/trust-node'
import { createTestIssuer, TEST_ISSUER, type TestIssuer } from '@wedsync/presence-testing'
import { startRealtimeServer } from '@wedsync/presence-testing/server'
import { issueCredentialsTo } from './credentials-over-ipc.js'
import {
  killAll,
  type Observer,
  observe,
  type PresenceProcess,
  spawnPresence,
} from './presence-processes.js'
import { type Check, type Scenario, withinMs } from './scenario.js'

const MINUTE = 60_000
const SKEWS = [
  { name: 'behind', label: '5 min behind', offsetMs: -5 * MINUTE },
  { name: 'ahead', label: '5 min ahead', offsetMs: 5 * MINUTE },
  { name: 'correct', label: 'correct', offsetMs: 0 },
] as const
type Skew = (typeof SKEWS)[number]
type Mode = 'unverified' | 'verified'

/** Shown online after joining, and a manual status arriving: a join and one coalesced update. */
const SHOWN_MS = 5_000
/** "Last active" is relative on the wire (ms since input): only the network delay may shift it. */
const LAST_ACTIVE_MS = 1_000
/** The lease (default heartbeat policy): the ghost bound in a room this size. */
const LEASE_MS = 30_000
/**
 * A frozen session's lease runs from its last update as each observer heard it. Measured from
 * when the observer showed that update, the expiry may be late by the observer's timer (a loaded
 * machine) and early by nothing; a clock that moved the lease would move it by minutes. A second
 * either way tells the two apart.
 */
const LEASE_TOLERANCE_MS = 1_000
/** A resumed client publishes at its next heartbeat at the latest (default interval). */
const HEARTBEAT_MS = 15_000
/** Beyond every bound: a wait that gets here is measured as never (∞). */
const FAIL_MS = 40_000

interface Person {
  readonly skew: Skew
  readonly process: PresenceProcess
  /** Wall time (this process) when it was spawned: its client was made after this. */
  readonly spawnedWall: number
  /** When it first joined the room: performance.now() and wall time here. */
  readonly joined: Promise<{ readonly perf: number; readonly wall: number }>
}

interface Watcher {
  readonly skew: Skew
  readonly observer: Observer
}

/** A clock `offsetMs` off this machine's. */
const skewed = (offsetMs: number): Clock => ({ now: () => Date.now() + offsetMs })

/** When (performance.now()) `check` first held for `observer`'s room, or ∞ after FAIL_MS. */
function whenHolds(
  observer: Observer,
  what: string,
  check: Parameters<Observer['until']>[1],
): Promise<number> {
  const started = performance.now()
  return observer.until(what, check, FAIL_MS).then(
    (ms) => started + ms,
    () => Infinity,
  )
}

/** How far `value` lies outside [from, to] (0 inside). */
const outside = (value: number, from: number, to: number) => Math.max(0, from - value, value - to)

const shown = (status: string | undefined) => status !== undefined && status !== 'offline'

async function runRoom(mode: Mode, url: string, issuer: TestIssuer): Promise<Check[]> {
  const roomId = `wedding:chaos-skew-${mode}`
  const verified = mode === 'verified'
  const errors: string[] = []
  const watchers: Watcher[] = SKEWS.map((skew) => ({
    skew,
    observer: observe(url, roomId, {
      userId: `u-observer-${skew.name}`,
      clock: skewed(skew.offsetMs),
      ...(verified && {
        trust: createSessionTrust({
          credentials: issuer.source(),
          keys: { jwks: issuer.jwks },
          issuer: TEST_ISSUER,
          suite: createNodeCryptoSuite(),
        }),
      }),
    }),
  }))
  for (const { skew, observer } of watchers)
    observer.client.on('error', (error: PresenceError) =>
      errors.push(`${skew.name} observer: ${error.code} ${reasonOf(error.details)}`),
    )
  const people: Person[] = SKEWS.map((skew): Person => {
    const spawnedWall = Date.now()
    const process = spawnPresence({
      url,
      userId: `u-${skew.name}`,
      roomId,
      clockOffsetMs: skew.offsetMs,
      ...(verified && { verified: { jwks: issuer.jwks } }),
    })
    if (verified) issueCredentialsTo(process.child, issuer)
    process.child.on(
      'message',
      (m: { type: string; code?: string; reason?: string; message?: string }) => {
        if (m.type === 'error')
          errors.push(`${process.userId}: ${m.code} ${m.reason ?? m.message ?? ''}`)
      },
    )
    const joined = process.sessionId.then(() => ({ perf: performance.now(), wall: Date.now() }))
    joined.catch(() => {})
    return { skew, process, spawnedWall, joined }
  })
  /** For every person, as every observer sees them: when `check` first holds (or ∞). */
  const whenAll = (what: string, check: (status: string | undefined) => boolean) =>
    Promise.all(
      people.map(({ process }) =>
        Promise.all(
          watchers.map(({ observer }) =>
            whenHolds(observer, `${process.userId} ${what}`, (room) =>
              check(room.member(process.userId)?.status),
            ),
          ),
        ),
      ),
    )
  const since = (at: number[][], from: number | number[]) =>
    at.map((row, i) => row.map((t) => t - (typeof from === 'number' ? from : from[i]!)))
  try {
    const shownAt = await whenAll('online', shown)
    const joined = await Promise.all(
      people.map((p) => p.joined.catch(() => ({ perf: Infinity, wall: Infinity }))),
    )
    // The 'joined' message may reach this process after the observers saw the join: that is 0.
    const shownMs = since(
      shownAt,
      joined.map((j) => j.perf),
    ).map((row) => row.map((ms) => Math.max(0, ms)))

    // "Last active": no input since the client was made, between spawn and join (real time).
    const lastActiveError = people.map((p, i) =>
      watchers.map(({ skew, observer }) => {
        const at = observer.room.member(p.process.userId)?.lastActiveAt
        if (at === undefined) return Infinity
        return outside(at - skew.offsetMs, p.spawnedWall, joined[i]!.wall)
      }),
    )

    const busyFrom = performance.now()
    for (const p of people) p.process.setStatus('busy')
    const busyAt = await whenAll('busy', (status) => status === 'busy')

    // Frozen right after the busy, its last update (the next heartbeat is an interval away) — once
    // each client has its answer: frozen while the track is in flight, its push would time out on
    // resuming, a transport error of the freeze, not of clock skew.
    await Promise.all(people.map((p) => p.process.shownToItself('busy')))
    for (const p of people) p.process.signal('SIGSTOP')
    const frozenAt = await whenAll('offline while frozen', (status) => status === 'offline')

    const resumedFrom = performance.now()
    for (const p of people) p.process.signal('SIGCONT')
    const backAt = await whenAll('back after resuming', shown)

    const killedFrom = performance.now()
    for (const p of people) p.process.signal('SIGKILL')
    const goneAt = await whenAll('offline after the kill', (status) => status === 'offline')

    const of = (rows: number[][], skew: Skew) => rows[SKEWS.indexOf(skew)]!
    const worst = (rows: number[][], skew: Skew) => Math.max(...of(rows, skew))
    const checks = SKEWS.flatMap((skew) => {
      const who = `${mode}, clock ${skew.label}:`
      return [
        withinMs(`${who} shown online after joining`, worst(shownMs, skew), SHOWN_MS),
        withinMs(`${who} "last active" off by`, worst(lastActiveError, skew), LAST_ACTIVE_MS),
        withinMs(`${who} manual busy shown`, worst(since(busyAt, busyFrom), skew), SHOWN_MS),
        withinBand(
          `${who} frozen, shown offline after its last update`,
          // Per observer, from when that observer showed the busy.
          of(
            frozenAt.map((row, i) => row.map((t, w) => t - busyAt[i]![w]!)),
            skew,
          ),
          LEASE_MS,
          LEASE_TOLERANCE_MS,
        ),
        withinMs(
          `${who} resumed, shown again`,
          worst(since(backAt, resumedFrom), skew),
          HEARTBEAT_MS,
        ),
        withinMs(
          `${who} SIGKILLed, shown offline`,
          worst(since(goneAt, killedFrom), skew),
          LEASE_MS,
        ),
      ]
    })
    return [...checks, errorCheck(mode, errors)]
  } finally {
    killAll(people.map((p) => p.process))
    for (const { observer } of watchers) observer.close()
  }
}

/** Every value within `tolerance` of `expected` (∞ or NaN: never). */
function withinBand(figure: string, values: number[], expected: number, tolerance: number): Check {
  const low = Math.min(...values)
  const high = Math.max(...values)
  const ms = (v: number) => `${Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '∞'}`
  return {
    figure,
    measured: `${ms(low)}–${ms(high)} ms`,
    bound: `${ms(expected)} ± ${ms(tolerance)} ms`,
    met: low >= expected - tolerance && high <= expected + tolerance,
    value: high,
  }
}

function reasonOf(details: unknown): string {
  return (details as { reason?: string } | undefined)?.reason ?? ''
}

/** Every error reported in the room, by kind: honest clients must cause none. */
function errorCheck(mode: Mode, errors: readonly string[]): Check {
  const kinds = new Map<string, number>()
  for (const error of errors) {
    const kind = error.replace(/^u-[\w-]+: |^\w+ observer: /, '').trim()
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
  }
  const detail = [...kinds].map(([kind, n]) => `${n}× ${kind}`).join(', ')
  if (errors.length > 0) console.log(`${mode} room, errors reported:\n  ${errors.join('\n  ')}`)
  return {
    figure: `${mode}: errors reported (drops, refused credentials)`,
    measured: detail || '0',
    bound: '= 0',
    met: errors.length === 0,
    value: errors.length,
  }
}

export const scenario: Scenario = {
  title: 'clients and observers with clocks 5 minutes behind and ahead, unverified and verified',
  quick: true,
  async run(): Promise<Check[]> {
    const server = await startRealtimeServer()
    const issuer = await createTestIssuer({ now: () => Date.now() })
    try {
      const rooms = await Promise.all([
        runRoom('unverified', server.url, issuer),
        runRoom('verified', server.url, issuer),
      ])
      return rooms.flat()
    } finally {
      await server.stop()
    }
  },
}
