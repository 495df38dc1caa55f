/**
 * Private Redis and PostgreSQL instances for scenarios that kill, stall or restart a service: the
 * shared 127.0.0.1:5432 and :6379 other tests use are never touched. Each instance listens on a
 * free port on 127.0.0.1 only, keeps nothing on disk that outlives it (Redis: no RDB, no AOF;
 * Postgres: a fresh cluster in a temp dir, removed by `remove()`), and dies with this process if a
 * scenario fails before cleaning up (an exit hook kills what is left). Waits are on real signals —
 * Redis printing that it is ready, `pg_ctl -w` — with a fail time that only names what hung.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const READY_FAIL_MS = 30_000

/** A port no one listens on now (the OS picks it; a race with another process is unlikely). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no TCP port from the OS')
  return address.port
}

// What to tear down if the run exits before a scenario's `finally` does (exit hooks are sync).
const leftovers = new Set<() => void>()
process.once('exit', () => {
  for (const cleanup of leftovers) cleanup()
})

// ─── Redis ───────────────────────────────────────────────────────────────────────────────────────

export interface PrivateRedis {
  readonly port: number
  readonly url: string
  /** SIGSTOP freezes it (connections stay open, nothing is answered); SIGCONT resumes it. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void
  /** SIGKILL; resolves once the process is gone. */
  kill(): Promise<void>
  /** Starts it again on the same port (after `kill`); resolves once it accepts connections. */
  start(): Promise<void>
  /** Kills it if it runs. Idempotent. */
  stop(): Promise<void>
}

/** A `redis-server` child of this process (not daemonized, so it can be signalled). */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort()
  let child: ChildProcess | undefined
  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null
  const killNow = () => {
    if (alive()) child!.kill('SIGKILL')
  }

  const start = async () => {
    if (alive()) throw new Error(`private Redis on ${port} is already running`)
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    child = started
    await new Promise<void>((resolve, reject) => {
      let output = ''
      const timer = setTimeout(
        () => fail(new Error(`private Redis on ${port} not ready within ${READY_FAIL_MS} ms`)),
        READY_FAIL_MS,
      )
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        if (!output.includes('Ready to accept connections')) return
        done()
        // Keep reading so a full pipe never blocks Redis's logging.
        started.stdout!.resume()
        resolve()
      }
      const onExit = (code: number | null) =>
        fail(new Error(`private Redis on ${port} exited (${code}) before it was ready:\n${output}`))
      const fail = (error: Error) => {
        done()
        started.kill('SIGKILL')
        reject(error)
      }
      const done = () => {
        clearTimeout(timer)
        started.stdout!.off('data', onData)
        started.off('exit', onExit)
      }
      started.stdout!.on('data', onData)
      started.once('exit', onExit)
    })
  }

  const kill = async () => {
    if (!alive()) return
    const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()))
    child!.kill('SIGKILL')
    await exited
  }

  await start()
  leftovers.add(killNow)
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    signal: (signal) => {
      if (!alive()) throw new Error(`private Redis on ${port} is not running`)
      child!.kill(signal)
    },
    kill,
    start,
    async stop() {
      await kill()
      leftovers.delete(killNow)
    },
  }
}

// ─── PostgreSQL ──────────────────────────────────────────────────────────────────────────────────

export interface PrivatePostgres {
  readonly port: number
  /** The `postgres` database as the `postgres` superuser (trust auth, 127.0.0.1 only). */
  readonly url: string
  /** `pg_ctl restart -m <mode>`; resolves once it accepts connections again. */
  restart(mode: 'fast' | 'immediate'): Promise<void>
  /** `pg_ctl stop -m <mode>`; resolves once it is down. */
  stop(mode: 'fast' | 'immediate'): Promise<void>
  /** `pg_ctl start`; resolves once it accepts connections. */
  start(): Promise<void>
  /**
   * SIGSTOP freezes the postmaster and every backend (a hung database host: connections and new
   * connects stay open and silent); SIGCONT resumes them.
   */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void
  /** Stops it (immediate) if it runs and deletes the cluster. Idempotent. */
  remove(): Promise<void>
}

/** Where initdb and pg_ctl are: PRIVATE_PG_BIN, else the newest /usr/lib/postgresql/<version>/bin. */
function postgresBin(): string {
  if (process.env.PRIVATE_PG_BIN) return process.env.PRIVATE_PG_BIN
  const versions = readdirSync('/usr/lib/postgresql')
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
  if (versions.length === 0) throw new Error('no PostgreSQL under /usr/lib/postgresql')
  return `/usr/lib/postgresql/${versions[0]}/bin`
}

/**
 * initdb and postgres refuse to run as root. Here and in CI we are root, so the cluster belongs to
 * the `postgres` user and every command runs as it (`runuser`); as anyone else, as ourselves.
 */
function asClusterOwner(command: string, args: readonly string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, [...args]]
  return ['runuser', ['-u', 'postgres', '--', command, ...args]]
}

/** A fresh cluster in a temp dir, started on a free port. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBin()
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'wedsync-chaos-pg-'))
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir])
  const data = join(dir, 'data')
  const log = join(dir, 'postgres.log')
  const pgCtl = (...args: string[]) => {
    const [command, argv] = asClusterOwner(`${bin}/pg_ctl`, [
      '-D',
      data,
      // The log file keeps the server's output off our pipes: with it on stdout, pg_ctl's
      // output would stay open as long as the server runs, and the call would never return.
      '-l',
      log,
      '-w',
      '-t',
      String(READY_FAIL_MS / 1_000),
      ...args,
    ])
    return run(command, argv)
  }

  const signal = (name: 'SIGSTOP' | 'SIGCONT') => {
    // The postmaster's pid is the first line of postmaster.pid; every backend is its child.
    const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0])
    const backends = execFileSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number)
    // Frozen first, the postmaster forks no new backend meanwhile; resumed last, likewise.
    const order = name === 'SIGSTOP' ? [postmaster, ...backends] : [...backends, postmaster]
    for (const pid of order) process.kill(pid, name)
  }

  let removed = false
  const removeNow = () => {
    if (removed) return
    removed = true
    try {
      // A frozen cluster would not hear the stop request.
      signal('SIGCONT')
    } catch {
      // Not running.
    }
    try {
      const [command, argv] = asClusterOwner(`${bin}/pg_ctl`, [
        '-D',
        data,
        '-m',
        'immediate',
        '-t',
        '10',
        'stop',
      ])
      execFileSync(command, argv, { stdio: 'ignore' })
    } catch {
      // Already stopped.
    }
    rmSync(dir, { recursive: true, force: true })
  }
  leftovers.add(removeNow)

  const [initdb, initArgs] = asClusterOwner(`${bin}/initdb`, [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '-E',
    'UTF8',
    // Nothing here must survive a power cut; skipping the fsyncs saves most of initdb's second.
    '--no-sync',
  ])
  // TCP on 127.0.0.1 only, no Unix socket: nothing shared with the machine's own cluster.
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`

  try {
    await run(initdb, initArgs)
    await pgCtl('-o', options, 'start')
  } catch (error) {
    removeNow()
    leftovers.delete(removeNow)
    throw error
  }

  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: async (mode) => {
      await pgCtl('-m', mode, 'restart')
    },
    stop: async (mode) => {
      await pgCtl('-m', mode, 'stop')
    },
    start: async () => {
      // The options were saved by the first start (postmaster.opts) but not for `start`.
      await pgCtl('-o', options, 'start')
    },
    signal,
    async remove() {
      removeNow()
      leftovers.delete(removeNow)
    },
  }
}
