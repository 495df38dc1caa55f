/**
 * The parent's side of store-server-process.ts: forks the presence server under test, hands back
 * its URL, keeps what it reported (every 5xx) and whether it died, and stops it. `stop()` resolves
 * only once the server has closed its store: from then on no write of the run can still land, so
 * an audit of the store after it is final.
 */
import type { ChildProcess } from 'node:child_process'
import { forkModule, next } from '../child-processes.js'
import type { StoreServerConfig } from './store-server-process.js'

export interface Reported5xx {
  readonly path: string
  readonly error: string
}

export interface StoreServer {
  readonly url: string
  readonly child: ChildProcess
  /** What the handlers' `onError` heard, in order. */
  readonly reported5xx: readonly Reported5xx[]
  /** Rejects, naming how, if the process ends before `stop()`: races a scenario's waits. */
  readonly death: Promise<never>
  /** Asks it to close its listener and store, and waits for it to exit. */
  stop(): Promise<void>
}

const START_FAIL_MS = 60_000
const STOP_FAIL_MS = 30_000

export async function startStoreServer(config: StoreServerConfig): Promise<StoreServer> {
  const child = forkModule(new URL('./store-server-process.ts', import.meta.url), [
    JSON.stringify(config),
  ])
  const reported5xx: Reported5xx[] = []
  let stopping = false
  child.on('message', (message: { type: string } & Reported5xx) => {
    if (message.type === '5xx') reported5xx.push({ path: message.path, error: message.error })
  })
  const death = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => {
      if (!stopping)
        reject(new Error(`the presence server died (${signal ?? `exit code ${code}`})`))
    })
  })
  // Only a wait that races it cares; unraced, its rejection is not an unhandled one.
  death.catch(() => {})
  const { url } = await next<{ url: string }>(child, 'ready', START_FAIL_MS)
  return {
    url,
    child,
    reported5xx,
    death,
    async stop() {
      stopping = true
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_FAIL_MS)
      child.send({ type: 'stop' })
      await exited
      clearTimeout(timer)
      if (child.signalCode === 'SIGKILL')
        throw new Error(`the presence server did not close its store within ${STOP_FAIL_MS} ms`)
    },
  }
}
