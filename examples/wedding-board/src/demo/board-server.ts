/**
 * Serving the board from Node: Vite's dev server for the demo (reloads as you edit), or a
 * production build behind Vite's preview server for the browser tests. Both point the board at a
 * Realtime URL and key given here rather than read from the environment, and, when there is one,
 * forward the presence API's base path to its server, so the board calls it on its own origin
 * (its session credentials and JWKS included: the board verifies presence with them).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, createServer, type InlineConfig, preview } from 'vite'

export const BOARD_ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface RealtimeAddress {
  readonly url: string
  readonly anonKey: string
}

/**
 * The demo's presence API: its server's origin, the base path its handlers answer on, and the
 * `iss` of the session credentials it issues (the board verifies with its JWKS on the same path).
 */
export interface PresenceApiAddress {
  readonly url: string
  readonly basePath: string
  readonly issuer?: string
}

export interface BoardServer {
  readonly url: string
  close(): Promise<void>
}

function boardConfig(realtime: RealtimeAddress, api?: PresenceApiAddress): InlineConfig {
  const proxy = api ? { [api.basePath]: { target: api.url } } : undefined
  return {
    root: BOARD_ROOT,
    configFile: join(BOARD_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    define: {
      'import.meta.env.VITE_SUPABASE_URL': JSON.stringify(realtime.url),
      'import.meta.env.VITE_SUPABASE_ANON_KEY': JSON.stringify(realtime.anonKey),
      ...(api && { 'import.meta.env.VITE_PRESENCE_API_URL': JSON.stringify(api.basePath) }),
      ...(api?.issuer && { 'import.meta.env.VITE_PRESENCE_ISSUER': JSON.stringify(api.issuer) }),
    },
    ...(proxy && { server: { proxy }, preview: { proxy } }),
  }
}

/** The dev server on `port` (the next free one if taken). */
export async function startBoardDevServer(
  realtime: RealtimeAddress,
  port = 5173,
  api?: PresenceApiAddress,
): Promise<BoardServer> {
  const config = boardConfig(realtime, api)
  const server = await createServer({
    ...config,
    server: { ...config.server, port, strictPort: false, host: '127.0.0.1' },
  })
  await server.listen()
  const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`
  return { url, close: () => server.close() }
}

/** Builds the board into a temporary folder and serves it on a free port. */
export async function startBuiltBoard(
  realtime: RealtimeAddress,
  api?: PresenceApiAddress,
): Promise<BoardServer> {
  const outDir = await mkdtemp(join(tmpdir(), 'wedding-board-'))
  const config = boardConfig(realtime, api)
  await build({ ...config, build: { outDir, emptyOutDir: true, sourcemap: false } })
  const server = await preview({
    ...config,
    build: { outDir },
    preview: { ...config.preview, port: 0, strictPort: false, host: '127.0.0.1' },
  })
  const url = server.resolvedUrls?.local[0]
  if (!url) throw new Error('vite preview did not report its address')
  return {
    url,
    async close() {
      await server.close()
      await rm(outDir, { recursive: true, force: true })
    },
  }
}
