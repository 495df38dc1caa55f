/**
 * Verified presence (issue 13) against unverified, measured in the same run:
 * (1) the cost to one observer of one presence update heard, in rooms of 10 and 1,000, in process
 *     (a real client over a scripted transport; verified: wrapped by the verifying transport and
 *     fed metas signed beforehand with real session keys and credentials); and a join storm of
 *     1,000 new sessions in process, with where a verified join's time goes;
 * (2) a join storm of 1,000 supabase-js clients into one room on the local Realtime server: the
 *     CPU of one observer (its process, WebCrypto's thread pool included) verified, unverified,
 *     and the raw supabase-js pattern of the supabase-transport bench, with the issue's bars;
 * (3) `room.broadcast(…, { receipts: true })` until every online recipient's receipt is in, in
 *     rooms of 10 on the local Realtime server, verified rooms and unverified rooms taking turns.
 * Prints ratios, never asserts; writes results/verified-presence.json. Scale through the
 * environment: BENCH_VERIFIED_STORM, BENCH_VERIFIED_STORM_ROUNDS, BENCH_VERIFIED_ROOMS,
 * BENCH_VERIFIED_BROADCASTS, BENCH_VERIFIED_GAP_MS.
 */
import type { ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import {
  createCredentialVerifier,
  createIssuerKeys,
  createWebCryptoSuite,
  decodeBase64url,
  type EcPublicJwk,
  type Proof,
  type RoomScope,
  signingText,
  splitProof,
} from '@wedsync/presence-core/trust'
import { createFakeClock } from '@wedsync/presence-testing'
import { forkModule, next, stopAll } from './child-processes.js'
import {
  type AsyncMeasurement,
  clock,
  collectGarbage,
  formatNs,
  formatRatio,
  measureAsyncPeers,
  median,
  packageVersion,
  printTable,
  timerOverheadNs,
  writeResults,
} from './harness.js'
import { runJoinStorm, type Storm, startServer } from './join-storm.js'
import { publish, T0, userId } from './room-fixture.js'
import type { Broadcasted, MemberRoom, MembersCommand } from './verified-presence-members.js'
import {
  createSigner,
  createSigningSetup,
  issuerOf,
  type SigningSetup,
} from './verified-signing.js'
import {
  createStormFixture,
  createUpdateFixture,
  type TrustKind,
} from './verified-update-fixture.js'

export const title =
  'verified presence: an update heard, a join storm, broadcast receipts — verified against unverified'

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const SIZES = [10, 1_000] as const
/** Signed updates prepared per room size: the warm-up and 11 batches of about 100 ms. */
const SIGNED_UPDATES = 8_000
const STORM = env('BENCH_VERIFIED_STORM', 1_000)
/** Rounds of the Realtime storm, each one storm of plain and one of signed metas. */
const STORM_ROUNDS = env('BENCH_VERIFIED_STORM_ROUNDS', 1)
/** Runs of the in-process storm per kind. */
const LOCAL_STORM_RUNS = 3
/** As in the supabase-transport bench: joiner processes and handshakes in flight. */
const STORM_PROCESSES = 2
const STORM_CONCURRENCY = 100
const ROOM_SIZE = 10
const ROOMS_PER_KIND = env('BENCH_VERIFIED_ROOMS', 3)
const BROADCASTS = env('BENCH_VERIFIED_BROADCASTS', 300)
const WARMUP_BROADCASTS = 20
/**
 * Least time from one broadcast's start to the next. A member confirms at most 5 broadcasts per
 * 10 s from one sender session (the receipt throttle); senders take turns, so each of the
 * 2 × ROOMS_PER_KIND × 10 sessions sends once every 60 broadcasts at the default, ≥ 2.4 s apart.
 */
const GAP_MS = env('BENCH_VERIFIED_GAP_MS', 40)

/** The bars of the issue, on the observer's CPU in the storm. */
const BAR = { vsUnverified: 3, vsRaw: 5 }

const MEMBERS_CHILD = new URL('./verified-presence-members.ts', import.meta.url)

export async function run(): Promise<void> {
  const versions = {
    '@supabase/supabase-js': packageVersion('@supabase/supabase-js'),
    // The issuer's JWS library, as @wedsync/presence-server resolves it.
    jose: packageVersion(
      'jose',
      'jose',
      createRequire(fileURLToPath(import.meta.resolve('@wedsync/presence-server'))),
    ),
  }
  console.log(
    `peers: ${Object.entries(versions)
      .map(([n, v]) => `${n} ${v}`)
      .join(', ')}\n`,
  )
  const signing = await createSigningSetup()

  // ── 1. in process ─────────────────────────────────────────────────────────
  console.log('1. One presence update heard by one observer, in process (one at a time)\n')
  const updates: { size: number; unverified: AsyncMeasurement; verified: AsyncMeasurement }[] = []
  for (const size of SIZES) {
    const unverified = await createUpdateFixture('unverified', size, 0, signing)
    const verified = await createUpdateFixture('verified', size, SIGNED_UPDATES, signing)
    const [u, v] = await measureAsyncPeers([() => unverified.step(), () => verified.step()], {
      maxSteps: [Number.POSITIVE_INFINITY, verified.steps],
    })
    unverified.check()
    verified.check()
    unverified.dispose()
    verified.dispose()
    updates.push({ size, unverified: u!, verified: v! })
  }
  printTable(
    ['N', 'unverified wall', 'verified wall', 'ratio', 'unverified CPU', 'verified CPU', 'ratio'],
    updates.map(({ size, unverified: u, verified: v }) => [
      size.toLocaleString('en-US'),
      formatNs(u.nsPerOp),
      formatNs(v.nsPerOp),
      formatRatio(v.nsPerOp / u.nsPerOp),
      formatNs(u.cpuNsPerOp),
      formatNs(v.cpuNsPerOp),
      formatRatio(v.cpuNsPerOp / u.cpuNsPerOp),
    ]),
  )
  console.log(
    '\nwall: from hearing the join of the new ref until the client has applied it and the leave of the old ref; CPU: the process (WebCrypto thread pool included) per update. Median of 11 batches, verified and unverified batches taking turns.',
  )

  const localStorm = await measureLocalStorm(signing)
  const [localU, localV] = [localStorm.unverified, localStorm.verified]
  console.log(
    `\nJoin storm in process: ${STORM.toLocaleString('en-US')} new sessions, one at a time (median of ${LOCAL_STORM_RUNS} runs)\n`,
  )
  printTable(
    ['', 'CPU', 'per join', 'wall'],
    (['unverified', 'verified'] as const).map((kind) => [
      kind,
      formatNs(localStorm[kind].cpuNs),
      formatNs(localStorm[kind].cpuNs / STORM),
      formatNs(localStorm[kind].wallNs),
    ]),
  )
  console.log(`\nverified/unverified CPU: ${formatRatio(localV.cpuNs / localU.cpuNs)}`)

  const parts = await measureParts(signing)
  console.log(
    '\nWhere a verified join goes: each step of a first hearing, alone, on the same data (one at a time; CPU per op, and the part of it the caller waits for before the call returns)\n',
  )
  printTable(
    ['step', 'CPU', 'until it returns'],
    parts.map((p) => [p.name, formatNs(p.cpuNs), formatNs(p.syncNs)]),
  )
  const partsPerJoin = parts.reduce((sum, p) => sum + p.cpuNs, 0)
  console.log(
    `\nsum per first hearing: ${formatNs(partsPerJoin)}; the in-process storm's verified − unverified per join: ${formatNs((localV.cpuNs - localU.cpuNs) / STORM)}`,
  )

  // ── 2. storm over Realtime ────────────────────────────────────────────────
  console.log(
    `\n2. Join storm over the local Realtime server: ${STORM.toLocaleString('en-US')} members into one room, ${STORM_ROUNDS} round(s)\n`,
  )
  const storms: (Storm & { metas: 'plain' | 'signed'; round: number })[] = []
  for (let round = 0; round < STORM_ROUNDS; round++) {
    const order = round % 2 === 0 ? (['plain', 'signed'] as const) : (['signed', 'plain'] as const)
    for (const metas of order) {
      console.log(`  round ${round + 1}: ${metas} metas…`)
      const result = await runJoinStorm({
        storm: STORM,
        processes: STORM_PROCESSES,
        concurrency: STORM_CONCURRENCY,
        ...(metas === 'signed'
          ? {
              signing,
              // The verified observer drops the other observers' unsigned metas: it sees only the
              // joiners and itself. The unverified one takes every meta (a proof is left out by its
              // validation): what carrying proofs costs without checking them.
              // The two verified observers see each other (both sign their own metas).
              observers: [
                { kind: 'verified', target: STORM + 2 },
                { kind: 'verified-node', target: STORM + 2 },
                { kind: 'raw', target: STORM + 4 },
                { kind: 'ours', target: STORM + 4 },
              ],
            }
          : {
              observers: [
                { kind: 'ours', target: STORM + 2 },
                { kind: 'raw', target: STORM + 2 },
              ],
            }),
      })
      storms.push(...result.map((r) => ({ ...r, metas, round })))
    }
  }
  const stormOf = (kind: Storm['kind'], metas: 'plain' | 'signed') =>
    storms.filter((s) => s.kind === kind && s.metas === metas)
  const rows = [
    ['unverified: PresenceClient + transport', stormOf('ours', 'plain')],
    ['verified: the same + createSessionTrust', stormOf('verified', 'signed')],
    ['verified, node:crypto suite', stormOf('verified-node', 'signed')],
    ['raw: presenceState() per sync', stormOf('raw', 'plain')],
    ['unverified, hearing the signed metas', stormOf('ours', 'signed')],
    ['raw, hearing the signed metas', stormOf('raw', 'signed')],
  ] as const
  const cpu = (list: readonly Storm[]) => median(list.map((s) => s.cpuMs))
  printTable(
    ['observer of the storm', 'metas', 'CPU', 'CPU / join', 'wall', 'events', 'errors', 'runs'],
    rows.map(([name, list]) => [
      name,
      list[0]?.metas ?? '',
      `${cpu(list).toFixed(0)} ms`,
      formatNs((cpu(list) * 1e6) / STORM),
      `${(median(list.map((s) => s.wallMs)) / 1000).toFixed(1)} s`,
      String(median(list.map((s) => s.events))),
      String(Math.max(...list.map((s) => s.errors ?? 0))),
      list.map((s) => `${s.cpuMs.toFixed(0)}`).join(', '),
    ]),
  )
  const stormCpu = {
    unverified: cpu(stormOf('ours', 'plain')),
    verified: cpu(stormOf('verified', 'signed')),
    verifiedNode: cpu(stormOf('verified-node', 'signed')),
    raw: cpu(stormOf('raw', 'plain')),
    unverifiedSigned: cpu(stormOf('ours', 'signed')),
    rawSigned: cpu(stormOf('raw', 'signed')),
  }
  const vsUnverified = stormCpu.verified / stormCpu.unverified
  const vsRaw = stormCpu.raw / stormCpu.verified
  const nodeVsUnverified = stormCpu.verifiedNode / stormCpu.unverified
  const nodeVsRaw = stormCpu.raw / stormCpu.verifiedNode
  console.log(
    `\nverified/unverified ${formatRatio(vsUnverified)}; raw/verified ${formatRatio(vsRaw)} (raw hearing the signed metas/verified ${formatRatio(stormCpu.rawSigned / stormCpu.verified)}); raw/unverified ${formatRatio(stormCpu.raw / stormCpu.unverified)}`,
  )
  console.log(
    `of the verified observer's CPU beyond the unverified one's: carrying the proofs (the unverified observer of the signed storm) ${formatNs(((stormCpu.unverifiedSigned - stormCpu.unverified) * 1e6) / STORM)} per join, verifying them (verified − unverified in the signed storm) ${formatNs(((stormCpu.verified - stormCpu.unverifiedSigned) * 1e6) / STORM)} per join`,
  )
  const dropped: Record<string, number> = {}
  for (const s of stormOf('verified', 'signed'))
    for (const [kind, n] of Object.entries(s.errorKinds ?? {}))
      dropped[kind] = (dropped[kind] ?? 0) + n
  console.log(
    `(the verified observer's errors, all rounds: ${JSON.stringify(dropped)} — the other observers of its storm track unsigned metas, at the join and at each heartbeat, which it drops)`,
  )
  const bars = [
    {
      name: `the verified storm costs the observer ≤ ${BAR.vsUnverified}× the unverified storm`,
      ratio: vsUnverified,
      met: vsUnverified <= BAR.vsUnverified,
    },
    {
      name: `the verified storm stays ≥ ${BAR.vsRaw}× cheaper than the raw supabase-js pattern`,
      ratio: vsRaw,
      met: vsRaw >= BAR.vsRaw,
    },
    {
      name: `with the node:crypto suite: ≤ ${BAR.vsUnverified}× the unverified storm`,
      ratio: nodeVsUnverified,
      met: nodeVsUnverified <= BAR.vsUnverified,
    },
    {
      name: `with the node:crypto suite: ≥ ${BAR.vsRaw}× cheaper than the raw pattern`,
      ratio: nodeVsRaw,
      met: nodeVsRaw >= BAR.vsRaw,
    },
  ]
  console.log('\nBars\n')
  printTable(
    ['bar', 'measured', ''],
    bars.map((b) => [b.name, formatRatio(b.ratio), b.met ? 'met' : 'MISSED']),
  )

  // ── 3. broadcast receipts over Realtime ───────────────────────────────────
  console.log(
    `\n3. Broadcast until every receipt is in, rooms of ${ROOM_SIZE} over the local Realtime server (${ROOMS_PER_KIND} verified and ${ROOMS_PER_KIND} unverified rooms, taking turns)\n`,
  )
  const receipts = await measureReceipts(signing)
  printTable(
    ['', 'broadcasts', 'p50', 'p99', 'max', 'incomplete', 'errors'],
    (['unverified', 'verified'] as const).map((kind) => {
      const r = receipts.kinds[kind]
      return [
        kind,
        String(r.samples),
        `${r.p50.toFixed(2)} ms`,
        `${r.p99.toFixed(2)} ms`,
        `${r.max.toFixed(1)} ms`,
        String(r.incomplete),
        String(receipts.errors),
      ]
    }),
  )
  const { unverified: ru, verified: rv } = receipts.kinds
  console.log(
    `\nverified/unverified: p50 ${formatRatio(rv.p50 / ru.p50)}, p99 ${formatRatio(rv.p99 / ru.p99)}`,
  )

  const file = writeResults('verified-presence', {
    bench: title,
    versions,
    update: updates,
    localStorm: { size: STORM, runs: LOCAL_STORM_RUNS, ...localStorm },
    parts,
    storm: { size: STORM, rounds: STORM_ROUNDS, runs: storms, cpuMs: stormCpu },
    bars,
    receipts: {
      roomSize: ROOM_SIZE,
      roomsPerKind: ROOMS_PER_KIND,
      gapMs: GAP_MS,
      warmup: WARMUP_BROADCASTS,
      ...receipts,
    },
  })
  console.log(`\nresults: ${file}`)
}

// ── the in-process storm ──────────────────────────────────────────────────

interface LocalStorm {
  readonly cpuNs: number
  readonly wallNs: number
  readonly runs: readonly { readonly cpuNs: number; readonly wallNs: number }[]
}

async function measureLocalStorm(signing: SigningSetup): Promise<Record<TrustKind, LocalStorm>> {
  const runs: Record<TrustKind, { cpuNs: number; wallNs: number }[]> = {
    unverified: [],
    verified: [],
  }
  // One untimed storm of each kind first (compilation), then they take turns.
  for (let r = -1; r < LOCAL_STORM_RUNS; r++) {
    for (const kind of ['unverified', 'verified'] as const) {
      const fixture = await createStormFixture(kind, STORM, signing)
      collectGarbage()
      const result = await fixture.run()
      fixture.dispose()
      if (r >= 0) runs[kind].push(result)
    }
  }
  const summary = (list: { cpuNs: number; wallNs: number }[]): LocalStorm => ({
    cpuNs: median(list.map((r) => r.cpuNs)),
    wallNs: median(list.map((r) => r.wallNs)),
    runs: list,
  })
  return { unverified: summary(runs.unverified), verified: summary(runs.verified) }
}

// ── the parts of a first hearing ──────────────────────────────────────────

interface Part {
  readonly name: string
  /** Process CPU per op (thread pool included), ns. */
  readonly cpuNs: number
  /** Time until the call returns (its promise, for an asynchronous one), ns: the caller's share. */
  readonly syncNs: number
}

const PART_OPS = 2_000

/**
 * The steps the verifying transport takes for the first meta of a new session, each alone on the
 * storm's data (a signed meta: the fixture's 330-byte meta, its credential, its proof): the
 * credential (decoded and verified against the issuer key by `createCredentialVerifier`, fresh
 * tokens), the session's public key imported (WebCrypto `importKey('raw')` of the point, as the
 * suite does),
 * the meta's signature verified with that key, the proof split off, and the signing text.
 */
async function measureParts(signing: SigningSetup): Promise<Part[]> {
  const fakeClock = createFakeClock(T0)
  const issuer = issuerOf(signing, fakeClock)
  const scope: RoomScope = { roomId: 'wedding:bench', private: false }
  const signed = await Promise.all(
    Array.from({ length: PART_OPS }, async (_, m) => {
      const p = publish(m, 1)
      const signer = await createSigner(issuer, userId(m), p.meta.session)
      const subject = { kind: 'presence', key: userId(m) } as const
      return signer.sign(scope, subject, { ...p.meta }, T0, 30_000)
    }),
  )
  const split = signed.map((meta) => {
    const parts = splitProof(meta)
    if (!parts.ok) throw new Error(`bench: a signed meta did not split (${parts.reason})`)
    return parts.value
  })
  const suite = createWebCryptoSuite()
  const verifier = createCredentialVerifier({
    keys: createIssuerKeys({ jwks: issuer.jwks() }, fakeClock),
    suite,
    issuer: signing.issuer,
    skewMs: 30_000,
  })
  const claims = await Promise.all(split.map((s) => verifier.verify(s.proof.cred, T0)))
  const keys = claims.map((c) => {
    if (!c.ok) throw new Error(`bench: a credential did not verify (${c.reason})`)
    return c.value.publicKey
  })
  const encoder = new TextEncoder()
  const texts = split.map((s, m) =>
    encoder.encode(signingTextOf(scope, userId(m), s.proof, s.body as Record<string, unknown>)),
  )
  const subtle = globalThis.crypto.subtle
  // The uncompressed point 0x04 ‖ x ‖ y, the form the suite imports.
  const point = (key: EcPublicJwk) =>
    new Uint8Array([4, ...decodeBase64url(key.x)!, ...decodeBase64url(key.y)!])
  const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' } as const
  const imported = await Promise.all(
    keys.map((key) => subtle.importKey('raw', point(key), ecdsa, false, ['verify'])),
  )
  // A fresh verifier per pass: credentials are kept once verified.
  const fresh = () =>
    createCredentialVerifier({
      keys: createIssuerKeys({ jwks: issuer.jwks() }, fakeClock),
      suite,
      issuer: signing.issuer,
      skewMs: 30_000,
    })
  let credentials = fresh()
  await credentials.verify(split[0]!.proof.cred, T0) // the issuer key, imported once per process
  const steps: [string, (i: number) => unknown][] = [
    [
      'credential: decode + ES256 verify (issuer key)',
      (i) => credentials.verify(split[i]!.proof.cred, T0),
    ],
    [
      'session key: importKey(raw point)',
      (i) => subtle.importKey('raw', point(keys[i]!), ecdsa, false, ['verify']),
    ],
    [
      'meta signature: ES256 verify (key imported)',
      (i) =>
        subtle.verify(
          { name: 'ECDSA', hash: 'SHA-256' },
          imported[i]!,
          split[i]!.signature as BufferSource,
          texts[i]! as BufferSource,
        ),
    ],
    ['proof split off + signature decoded', (i) => splitProof(signed[i])],
    [
      'signing text: canonical JSON + UTF-8',
      (i) =>
        encoder.encode(
          signingTextOf(
            scope,
            userId(i),
            split[i]!.proof,
            split[i]!.body as Record<string, unknown>,
          ),
        ),
    ],
  ]
  const out: Part[] = []
  const overhead = timerOverheadNs()
  for (const [name, step] of steps) {
    // Two passes: the first compiles (and, for credentials, needs a verifier that kept nothing).
    let result = { cpuNs: 0, syncNs: 0 }
    for (let pass = 0; pass < 2; pass++) {
      credentials = fresh()
      await credentials.verify(split[0]!.proof.cred, T0)
      collectGarbage()
      let syncNs = 0
      const before = process.cpuUsage()
      for (let i = 1; i < PART_OPS; i++) {
        const start = clock()
        const pending = step(i)
        syncNs += Number(clock() - start) - overhead
        await pending
      }
      const used = process.cpuUsage(before)
      result = {
        cpuNs: ((used.user + used.system) * 1e3) / (PART_OPS - 1),
        syncNs: syncNs / (PART_OPS - 1),
      }
    }
    out.push({ name, ...result })
  }
  return out
}

/** What the verifying transport checks a meta's signature over. */
function signingTextOf(scope: RoomScope, key: string, proof: Proof, body: object): string {
  return signingText(scope, { kind: 'presence', key }, proof.at, proof.until, body)
}

// ── broadcast receipts ────────────────────────────────────────────────────

interface ReceiptFigures {
  readonly samples: number
  readonly p50: number
  readonly p99: number
  readonly max: number
  /** Reports that came back with a recipient missing its receipt (after the 2 s timeout). */
  readonly incomplete: number
  readonly latencies: readonly number[]
}

async function measureReceipts(signing: SigningSetup): Promise<{
  kinds: Record<TrustKind, ReceiptFigures>
  joinMs: number
  errors: number
}> {
  const { server, url } = await startServer()
  const children: ChildProcess[] = [server]
  try {
    const rooms: MemberRoom[] = Array.from({ length: 2 * ROOMS_PER_KIND }, (_, r) => ({
      roomId: `receipts-${r}`,
      kind: r % 2 === 0 ? 'verified' : 'unverified',
    }))
    // Member slot i of every room lives in process i: a room's members are in separate processes,
    // as they are on separate devices, and only one room is busy at a time.
    const members = Array.from({ length: ROOM_SIZE }, () => forkModule(MEMBERS_CHILD))
    children.push(...members)
    await Promise.all(members.map((m) => next(m, 'ready', 60_000)))
    const started = performance.now()
    const joined = members.map((m) => next(m, 'joined', 120_000))
    members.forEach((m, slot) => {
      m.send({
        type: 'join',
        url,
        slot,
        rooms,
        roomSize: ROOM_SIZE,
        signing,
      } satisfies MembersCommand)
    })
    await Promise.all(joined)
    const joinMs = performance.now() - started
    console.log(`  ${rooms.length * ROOM_SIZE} clients joined in ${(joinMs / 1000).toFixed(1)} s`)
    const byKind: Record<TrustKind, Broadcasted[]> = { unverified: [], verified: [] }
    const total = 2 * (WARMUP_BROADCASTS + BROADCASTS)
    for (let i = 0; i < total; i++) {
      const kindIndex = i % 2 // verified rooms are the even ones
      const turn = Math.floor(i / 2)
      const room = rooms[2 * (turn % ROOMS_PER_KIND) + kindIndex]!
      const slot = Math.floor(turn / ROOMS_PER_KIND) % ROOM_SIZE
      const sender = members[slot]!
      const start = performance.now()
      const reply = next<Broadcasted>(sender, 'broadcasted', 30_000)
      sender.send({ type: 'broadcast', roomId: room.roomId, n: i } satisfies MembersCommand)
      const result = await reply
      if (turn >= WARMUP_BROADCASTS) byKind[room.kind].push(result)
      const wait = GAP_MS - (performance.now() - start)
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    }
    const stats = members.map((m) => next<{ errors: number }>(m, 'stats'))
    for (const m of members) m.send({ type: 'stats' } satisfies MembersCommand)
    const errors = (await Promise.all(stats)).reduce((sum, s) => sum + s.errors, 0)
    const figures = (list: readonly Broadcasted[]): ReceiptFigures => {
      const latencies = list.map((b) => b.ms).sort((a, b) => a - b)
      return {
        samples: latencies.length,
        p50: median(latencies),
        p99:
          latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ??
          Number.NaN,
        max: latencies.at(-1) ?? Number.NaN,
        incomplete: list.filter((b) => b.noReceipt > 0 || b.delivered !== ROOM_SIZE - 1).length,
        latencies,
      }
    }
    return {
      kinds: { unverified: figures(byKind.unverified), verified: figures(byKind.verified) },
      joinMs,
      errors,
    }
  } finally {
    await stopAll(children)
  }
}
