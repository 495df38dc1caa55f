/**
 * Child processes for the benches that spread clients over processes: fork a TypeScript module
 * (run from source through tsx), wait for its next IPC message of a type, stop them all.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/**
 * Node options for a child running a TypeScript module. The parent's `--conditions` pass on, so a
 * child loads the same build of our packages as the bench that forked it (dist, or the source
 * under `bench:source`).
 */
export const CHILD_ARGS: readonly string[] = [
  '--expose-gc',
  ...process.execArgv.filter((arg) => arg.startsWith('--conditions')),
  // Extra Node flags for every child, to look inside a run: BENCH_CHILD_ARGS="--trace-gc".
  ...(process.env.BENCH_CHILD_ARGS?.split(' ').filter(Boolean) ?? []),
  '--import',
  'tsx',
]

export interface ForkOptions {
  /** Node flags for this child, before CHILD_ARGS. */
  readonly flags?: readonly string[]
  /** Hand the child's stdout (the output of its flags, such as --trace-gc-nvp) to the caller. */
  readonly pipeStdout?: boolean
}

/** Forks `module` (a URL next to the caller) with IPC on; stdout ignored unless asked for. */
export function forkModule(
  module: URL,
  args: readonly string[] = [],
  { flags = [], pipeStdout = false }: ForkOptions = {},
): ChildProcess {
  // Otherwise a child's stdout is only the output of BENCH_CHILD_ARGS (such as --trace-gc): sent to stderr.
  const stdout = pipeStdout ? 'pipe' : process.env.BENCH_CHILD_ARGS ? 2 : 'ignore'
  return fork(fileURLToPath(module), [...args], {
    execArgv: [...flags, ...CHILD_ARGS],
    stdio: ['ignore', stdout, 'inherit', 'ipc'],
  })
}

/** The next IPC message of `type` from `child` (fails after `timeoutMs`, or if it exits). */
export function next<T = unknown>(
  child: ChildProcess,
  type: string,
  timeoutMs = 30_000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      done()
      reject(new Error(`no "${type}" from child ${child.pid} within ${timeoutMs} ms`))
    }, timeoutMs)
    const onMessage = (message: { type: string } & T) => {
      if (message.type !== type) return
      done()
      resolve(message)
    }
    const onExit = (code: number | null) => {
      done()
      reject(new Error(`child ${child.pid} exited (${code}) before "${type}"`))
    }
    const done = () => {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    child.on('message', onMessage)
    child.once('exit', onExit)
  })
}

/** Asks each child to stop, then waits for it to exit (killing it after 5 s). */
export async function stopAll(children: readonly ChildProcess[]): Promise<void> {
  for (const child of [...children].reverse()) {
    if (child.connected) child.send({ type: 'stop' })
  }
  await Promise.all(children.map((child) => exited(child)))
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
  })
}
