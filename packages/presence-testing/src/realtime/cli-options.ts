/**
 * Command-line options of the `presence-realtime` bin, parsed into server options.
 */
import { parseArgs } from 'node:util'
import { DEV_ANON_KEY, DEV_JWT_SECRET, DEV_SERVICE_ROLE_KEY } from './options.js'
import type { RealtimeServerOptions } from './server.js'

export const HELP = `Usage: presence-realtime [options]

A local server that speaks the Supabase Realtime protocol (tests, benchmarks, demos).

  --port <n>                 TCP port (default 54321; 0 picks a free one)
  --host <addr>              interface (default 127.0.0.1)
  --jwt-secret <s>           HS256 secret for access tokens (default: the Supabase CLI dev secret)
  --api-key <k>              accepted API key; repeat for more (default: the CLI dev anon and
                             service-role keys); any JWT signed with the secret is accepted too
  --idle-timeout-ms <n>      close sockets silent this long (default 60000)
  --presence-calls <n>       presence calls per window per channel (default 5)
  --presence-window-ms <n>   the window (default 30000)
  --no-presence-limit        no per-client presence limit
  --channels-per-client <n>  default 100
  --max-connections <n>      default: unlimited
  --help
`

export function parseOptions(argv: readonly string[]): RealtimeServerOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'jwt-secret': { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      'idle-timeout-ms': { type: 'string' },
      'presence-calls': { type: 'string' },
      'presence-window-ms': { type: 'string' },
      'no-presence-limit': { type: 'boolean' },
      'channels-per-client': { type: 'string' },
      'max-connections': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  })
  if (values.help) return 'help'
  const int = (name: string, value: string | undefined, fallback: number): number => {
    if (value === undefined) return fallback
    const n = Number(value)
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`--${name} needs a whole number, got ${value}`)
    return n
  }
  const presence = values['no-presence-limit']
    ? (false as const)
    : {
        calls: int('presence-calls', values['presence-calls'], 5),
        windowMs: int('presence-window-ms', values['presence-window-ms'], 30_000),
      }
  return {
    port: int('port', values.port, 54321),
    host: values.host ?? '127.0.0.1',
    jwtSecret: values['jwt-secret'] ?? DEV_JWT_SECRET,
    apiKeys: values['api-key'] ?? [DEV_ANON_KEY, DEV_SERVICE_ROLE_KEY],
    idleTimeoutMs: int('idle-timeout-ms', values['idle-timeout-ms'], 60_000),
    limits: {
      presence,
      channelsPerClient: int('channels-per-client', values['channels-per-client'], 100),
      connections: int('max-connections', values['max-connections'], Number.POSITIVE_INFINITY),
    },
  }
}
