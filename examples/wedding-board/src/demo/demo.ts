/**
 * The demo, composed: Realtime (our local server, or a Supabase project's), the presence API with
 * its credential issuer, the board, and the crowd of simulated suppliers — each on its own real
 * supabase-js client and, like the board, verified with a credential from the presence API. The
 * CLI (main.ts) prints and handles signals around it; the browser tests start it too. `stop`
 * undoes it in order: the suppliers leave first (so open boards see them go), then the board, the
 * presence API and Realtime.
 */
import { systemClock, systemScheduler } from '@wedsync/presence-core'
import {
  DEV_ANON_KEY,
  type RealtimeServer,
  startRealtimeServer,
} from '@wedsync/presence-testing/server'
import WebSocket from 'ws'
import { type Bot, startBot } from '../bots/bot.js'
import { CROWD } from '../bots/crowd.js'
import { type Random, seededRandom } from '../bots/plan.js'
import { connectPresenceApi } from '../presence-api.js'
import { connectRealtime, type RealtimeConnection } from '../realtime.js'
import { createVerifiedTrust } from '../verification.js'
import {
  type BoardServer,
  type RealtimeAddress,
  startBoardDevServer,
  startBuiltBoard,
} from './board-server.js'
import {
  type PresenceApiServer,
  type PresenceApiServerOptions,
  startPresenceApiServer,
} from './presence-api-server.js'

/** The port Supabase's CLI gives a local project's API; any free one if it is taken. */
export const LOCAL_REALTIME_PORT = 54321

export interface DemoOptions {
  /** A Supabase project to use for Realtime. Absent: our local Realtime server starts. */
  readonly project?: RealtimeAddress
  /** The local Realtime server's port, or any free one if taken. Default 54321; 0: any. */
  readonly realtimePort?: number
  /**
   * `dev`: Vite's dev server on `port` or the next free one (`pnpm demo`). `built`: a production
   * build on a free port (the browser tests). Default `{ kind: 'dev', port: 5173 }`.
   */
  readonly board?: { readonly kind: 'dev'; readonly port: number } | { readonly kind: 'built' }
  /** Whether the simulated suppliers come. Default true. */
  readonly bots?: boolean
  /** Each supplier's random draws, by their place in the crowd. Default: seeded from the time. */
  readonly random?: (index: number) => Random
  /** What the suppliers do, one line per step, and what their clients report. */
  readonly log?: (line: string) => void
  /** The presence API's own options (history, clock) for tests. */
  readonly api?: PresenceApiServerOptions
}

export interface Demo {
  /** Where Realtime is; `local` when it is our server. */
  readonly realtime: RealtimeAddress & { readonly local: boolean }
  readonly api: PresenceApiServer
  readonly board: BoardServer
  /** The simulated suppliers (empty without bots). */
  readonly crowd: readonly Bot[]
  /** Stops everything, suppliers first. Safe to call twice. */
  stop(): Promise<void>
}

async function startLocalRealtime(port: number): Promise<RealtimeServer> {
  try {
    return await startRealtimeServer({ port })
  } catch (error) {
    if (port === 0 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
    return startRealtimeServer({ port: 0 })
  }
}

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  // What started so far, to stop in reverse if a later part fails to start.
  const started: (() => Promise<void>)[] = []
  try {
    const server = options.project
      ? undefined
      : await startLocalRealtime(options.realtimePort ?? LOCAL_REALTIME_PORT)
    if (server) started.push(() => server.stop())
    const realtime: RealtimeAddress = server
      ? { url: server.url, anonKey: DEV_ANON_KEY }
      : options.project!
    const api = await startPresenceApiServer(options.api)
    started.push(() => api.close())
    const boardKind = options.board ?? { kind: 'dev', port: 5173 }
    const board =
      boardKind.kind === 'dev'
        ? await startBoardDevServer(realtime, boardKind.port, api)
        : await startBuiltBoard(realtime, api)
    started.push(() => board.close())
    const crowd = options.bots === false ? [] : startCrowd(realtime, api, options)

    let stopped: Promise<void> | undefined
    return {
      realtime: { ...realtime, local: server !== undefined },
      api,
      board,
      crowd: crowd.map(({ bot }) => bot),
      stop() {
        stopped ??= (async () => {
          for (const { bot } of crowd) bot.stop()
          await Promise.allSettled(crowd.map(({ connection }) => connection.close()))
          for (const stop of started.reverse()) await stop()
        })()
        return stopped
      },
    }
  } catch (error) {
    for (const stop of started.reverse()) await stop().catch(() => {})
    throw error
  }
}

/** The simulated suppliers, each on its own Realtime connection and signed in to the API. */
function startCrowd(
  realtime: RealtimeAddress,
  api: PresenceApiServer,
  options: DemoOptions,
): { bot: Bot; connection: RealtimeConnection }[] {
  const random = options.random ?? ((i: number) => seededRandom(Date.now() + i * 7919))
  return CROWD.map((member, i) => {
    const connection = connectRealtime({ ...realtime, webSocket: WebSocket })
    // Signed in as this supplier, as their own app would be: the API issues their credentials.
    const supplierApi = connectPresenceApi({
      baseUrl: `${api.url}${api.basePath}`,
      userId: member.userId,
    })
    const bot = startBot({
      member,
      transport: connection.transport,
      clock: systemClock,
      scheduler: systemScheduler,
      random: random(i),
      trust: () =>
        createVerifiedTrust({
          api: supplierApi,
          jwksUrl: api.jwksUrl,
          issuer: api.issuer,
          userId: member.userId,
        }),
      onPresence: (self) => api.recorder.record(member.userId, self),
      ...(options.log && { log: options.log }),
    })
    return { bot, connection }
  })
}
