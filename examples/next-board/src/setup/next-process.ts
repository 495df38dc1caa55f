/**
 * Runs the app as a child process — `next dev` for `pnpm dev`, `next start` (the production build
 * in dist/) for the browser test — on 127.0.0.1 and a free port, with the environment given. Ready
 * when Next.js says so on its output (no polling, no timers); `stop()` ends that one process and
 * waits for it to exit.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

export const APP_ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface NextProcess {
  readonly url: string
  readonly child: ChildProcess
  stop(): Promise<void>
}

export interface StartNextOptions {
  readonly mode: 'dev' | 'start'
  /** Default: a free port. */
  readonly port?: number
  readonly env: Record<string, string>
  /** Every line Next.js prints. Default: dropped. */
  readonly log?: (line: string) => void
}

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  if (!address || typeof address === 'string') throw new Error('no port')
  return address.port
}

export async function startNext(options: StartNextOptions): Promise<NextProcess> {
  const port = options.port ?? (await freePort())
  const bin = createRequire(import.meta.url).resolve('next/dist/bin/next')
  const child = spawn(
    process.execPath,
    [bin, options.mode, '-H', '127.0.0.1', '-p', String(port)],
    {
      cwd: APP_ROOT,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const exited = once(child, 'exit')
  const lines: string[] = []
  const ready = new Promise<void>((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line)
        options.log?.(line)
        if (/\bReady in\b/.test(line)) resolve()
      })
    }
    void exited.then(([code]) =>
      reject(
        new Error(
          `next ${options.mode} exited (${code}) before it was ready:\n${lines.join('\n')}`,
        ),
      ),
    )
  })
  await ready
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      await exited
    },
  }
}
