/**
 * `pnpm demo`: the local Realtime server, the presence API (handlers, notification router, demo
 * outbox, session credentials), the board on Vite's dev server, and a crowd of simulated suppliers
 * on real supabase-js clients — all verified (demo.ts composes them) — in one process that Ctrl-C
 * stops cleanly. With VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY set, Realtime is that Supabase
 * project's and no local Realtime server starts; the presence API still runs here, in memory.
 */

import { CROWD } from '../bots/crowd.js'
import { supplierById } from '../cast.js'
import { startDemo } from './demo.js'
import { describeEntry } from './outbox.js'

const quiet = process.env.DEMO_QUIET === '1'
const color = process.stdout.isTTY && !process.env.NO_COLOR
const paint = (code: string) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text)
const bold = paint('1')
const dim = paint('2')
const rose = paint('38;5;161')
const gold = paint('38;5;178')
const time = new Intl.DateTimeFormat('en-GB', { timeStyle: 'medium' })

async function main(): Promise<void> {
  const projectUrl = process.env.VITE_SUPABASE_URL
  const projectKey = process.env.VITE_SUPABASE_ANON_KEY
  if (projectUrl && !projectKey)
    throw new Error('VITE_SUPABASE_URL is set but VITE_SUPABASE_ANON_KEY is not: set both')

  const demo = await startDemo({
    ...(projectUrl && projectKey && { project: { url: projectUrl, anonKey: projectKey } }),
    board: { kind: 'dev', port: Number(process.env.PORT) || 5173 },
    bots: process.env.DEMO_BOTS !== '0',
    ...(!quiet && {
      log: (line: string) => console.log(dim(`${time.format(Date.now())}  ${line}`)),
    }),
  })
  const { api, board, realtime, crowd } = demo
  // Whatever the router hands to the demo's fallback is printed: it is never really sent.
  api.outbox.subscribe((entry) => {
    if (entry.channel === 'sms' || entry.channel === 'email')
      console.log(gold(`${time.format(Date.now())}  ✉ ${describeEntry(entry)}`))
  })

  const names = CROWD.map((m) => supplierById(m.userId)?.name.split(' ')[0]).join(', ')
  console.log(`
${rose('◎')} ${bold('WedSync wedding board')}

  Board        ${bold(board.url)}
               open it as Maya, the venue coordinator
  As someone   ${board.url}?as=u-photo   (another tab: Priya, the photographer)
  Realtime     ${realtime.local ? `local server ${realtime.url}` : `Supabase project ${realtime.url}`}
  Presence API ${api.url}${api.basePath}   (in memory; history seeded)
  Verified     session credentials from the presence API, keys ${api.jwksUrl}
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
    await demo.stop()
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
