/**
 * Test support for the protocol core's tests: a core on the fake clock, and sockets as plain
 * ports that record what the core sends them.
 */
import { createFakeClock } from '../../src/fake-clock.js'
import { DEV_ANON_KEY, type RealtimeOptions } from '../../src/realtime/options.js'
import { createRealtimeCore, type RealtimeCore } from '../../src/realtime/realtime-core.js'

type Frame = string | Uint8Array

export async function setup(options: RealtimeOptions = {}) {
  const clock = createFakeClock()
  const errors: unknown[] = []
  const core = createRealtimeCore({ clock, onError: (e) => errors.push(e), ...options })
  return { clock, core, errors, open: (o: OpenOptions = {}) => open(core, o) }
}

export interface OpenOptions {
  readonly vsn?: string
  readonly apiKey?: string
}

async function open(core: RealtimeCore, { vsn = '2.0.0', apiKey = DEV_ANON_KEY }: OpenOptions) {
  const handshake = await core.handshake({ apiKey, vsn })
  if (!handshake.ok) throw new Error(`refused: ${handshake.status} ${handshake.body}`)
  const frames: Frame[] = []
  let closed: { code: number; reason: string } | undefined
  const handle = core.connect(
    {
      send: (frame) => frames.push(frame.data),
      close: (code, reason) => {
        closed = { code, reason }
      },
    },
    handshake.info,
  )
  return {
    handle,
    frames,
    get closed() {
      return closed
    },
    push: (...message: unknown[]) => handle.receive(JSON.stringify(message)),
    /** The frames sent since the last take. */
    take: () => frames.splice(0),
    join: (topic: string, joinRef: string, payload: object = {}) =>
      handle.receive(JSON.stringify([joinRef, joinRef, topic, 'phx_join', payload])),
  }
}

/** Waits for async work (token checks, hooks) to land: until `check` holds. */
export async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (check()) return
    await new Promise((resolve) => setImmediate(resolve))
  }
  throw new Error(`condition never held: ${check.toString()}`)
}

export const DAY = 86_400_000
export const PRESENCE = { config: { presence: { key: 'a', enabled: true } } }
