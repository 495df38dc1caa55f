/**
 * `pnpm demo`: the local Realtime server, the presence API (handlers, notification router, demo
 * outbox), the board on Vite's dev server, and a crowd of simulated suppliers on real supabase-js
 * clients, in one process that Ctrl-C stops cleanly. With VITE_SUPABASE_URL and
 * VITE_SUPABASE_ANON_KEY set, Realtime is that Supabase project's and no local Realtime server
 * starts; the presence API still runs here, in memory.
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
import { seededRandom } from '../bots/plan.js'
import { supplierById } from '../cast.js'
import { connectRealtime, type RealtimeConnection } from '../realtime.js'
import { type BoardServer, type RealtimeAddress, startBoardDevServer } from './board-server.js'
import { describeEntry } from './outbox.js'
import { startPresenceApiServer } from './presence-api-server.js'

/** The port Supabase's CLI gives a local project's API; any free one if it is taken. */
const LOCAL_REALTIME_PORT = 54321
const quiet = process.env.DEMO_QUIET === '1'
const color = process.stdout.isTTY && !process.env.NO_COLOR
const paint = (code: string) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text)
const bold = paint('1')
const dim = paint('2')
const rose = paint('38;5;161')
const gold = paint('38;5;178')
const time = new Intl.DateTimeFormat('en-GB', { timeStyle: 'medium' })

async function startLocalRealtime(): Promise<RealtimeServer> {
  try {
    return await startRealtimeServer({ port: LOCAL_REALTIME_PORT })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
    return startRealtimeServer({ port: 0 })
  }
}

async function main(): Promise<void> {
  const projectUrl = process.env.VITE_SUPABASE_URL
  const projectKey = process.env.VITE_SUPABASE_ANON_KEY
  if (projectUrl && !projectKey)
    throw new Error('VITE_SUPABASE_URL is set but VITE_SUPABASE_ANON_KEY is not: set both')

  const server = projectUrl ? undefined : await startLocalRealtime()
  const realtime: RealtimeAddress = server
    ? { url: server.url, anonKey: DEV_ANON_KEY }
    : { url: projectUrl!, anonKey: projectKey! }
  const api = await startPresenceApiServer()
  const board: BoardServer = await startBoardDevServer(
    realtime,
    Number(process.env.PORT) || 5173,
    api,
  )
  // Whatever the router hands to the demo's fallback is printed: it is never really sent.
  api.outbox.subscribe((entry) => {
    if (entry.channel === 'sms' || entry.channel === 'email')
      console.log(gold(`${time.format(Date.now())}  ✉ ${describeEntry(entry)}`))
  })

  const crowd: { bot: Bot; connection: RealtimeConnection }[] = []
  if (process.env.DEMO_BOTS !== '0')
    CROWD.forEach((member, i) => {
      const connection = connectRealtime({ ...realtime, webSocket: WebSocket })
      const bot = startBot({
        member,
        transport: connection.transport,
        clock: systemClock,
        scheduler: systemScheduler,
        random: seededRandom(Date.now() + i * 7919),
        onPresence: (self) => api.recorder.record(member.userId, self),
        ...(!quiet && {
          log: (line: string) => console.log(dim(`${time.format(Date.now())}  ${line}`)),
        }),
      })
      crowd.push({ bot, connection })
    })

  const names = CROWD.map((m) => supplierById(m.userId)?.name.split(' ')[0]).join(', ')
  console.log(`
${rose('◎')} ${bold('WedSync wedding board')}

  Board        ${bold(board.url)}
               open it as Maya, the venue coordinator
  As someone   ${board.url}?as=u-photo   (another tab: Priya, the photographer)
  Realtime     ${server ? `local server ${realtime.url}` : `Supabase project ${realtime.url}`}
  Presence API ${api.url}${api.basePath}   (in memory; history seeded)
  Suppliers    ${crowd.length > 0 ? `${crowd.length} simulated: ${names}` : 'none (DEMO_BOTS=0)'}

  Press Ctrl-C to stop.
`)

  let stopping = false
  const stop = async () => {
    // pnpm passes Ctrl-C on to us as well: the same signal may come twice.
    if (stopping) return
    stopping = true
    console.log('\nStopping: suppliers leave, then the board, the presence API and Realtime stop.')
    setTimeout(() => {
      console.error('Did not stop within 5 s; exiting anyway.')
      process.exit(1)
    }, 5_000).unref()
    for (const { bot } of crowd) bot.stop()
    await Promise.allSettled(crowd.map(({ connection }) => connection.close()))
    await board.close()
    await api.close()
    await server?.stop()
    process.exit(0)
  }
  // Vite's dev server exits the process on SIGTERM by itself; the demo stops its parts in order.
  process.removeAllListeners('SIGTERM')
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
