#!/usr/bin/env node
/**
 * presence-realtime: runs the local Supabase Realtime server until SIGINT/SIGTERM.
 * `presence-realtime --port 54321 [--host 127.0.0.1] [--jwt-secret S] [--api-key K]…`
 */
import { HELP, parseOptions } from '../realtime/cli-options.js'
import { type RealtimeServerOptions, startRealtimeServer } from '../realtime/server.js'

async function main(): Promise<void> {
  let options: RealtimeServerOptions | 'help'
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}`)
    process.exitCode = 2
    return
  }
  if (options === 'help') {
    process.stdout.write(HELP)
    return
  }
  const server = await startRealtimeServer(options)
  process.stdout.write(
    `presence-realtime listening on ${server.url} (WebSocket ${server.socketUrl}/websocket, ` +
      `supabase-js: createClient('${server.url}', key))\n`,
  )
  const stop = () => {
    void server.stop().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`)
  process.exitCode = 1
})
