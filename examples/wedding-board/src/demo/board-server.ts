/**
 * Serving the board from Node: Vite's dev server for the demo (reloads as you edit), or a
 * production build behind Vite's preview server for the browser tests. Both point the board at a
 * Realtime URL and key given here rather than read from the environment.
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

export interface BoardServer {
  readonly url: string
  close(): Promise<void>
}

function boardConfig(realtime: RealtimeAddress): InlineConfig {
  return {
    root: BOARD_ROOT,
    configFile: join(BOARD_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    define: {
      'import.meta.env.VITE_SUPABASE_URL': JSON.stringify(realtime.url),
      'import.meta.env.VITE_SUPABASE_ANON_KEY': JSON.stringify(realtime.anonKey),
    },
  }
}

/** The dev server on `port` (the next free one if taken). */
export async function startBoardDevServer(
  realtime: RealtimeAddress,
  port = 5173,
): Promise<BoardServer> {
  const server = await createServer({
    ...boardConfig(realtime),
    server: { port, strictPort: false, host: '127.0.0.1' },
  })
  await server.listen()
  const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`
  return { url, close: () => server.close() }
}

/** Builds the board into a temporary folder and serves it on a free port. */
export async function startBuiltBoard(realtime: RealtimeAddress): Promise<BoardServer> {
  const outDir = await mkdtemp(join(tmpdir(), 'wedding-board-'))
  const config = boardConfig(realtime)
  await build({ ...config, build: { outDir, emptyOutDir: true, sourcemap: false } })
  const server = await preview({
    ...config,
    build: { outDir },
    preview: { port: 0, strictPort: false, host: '127.0.0.1' },
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
