/**
 * `withHandshakeDeadline`: a WebSocket constructor whose sockets give up on a handshake that does
 * not finish in time. realtime-js (through Phoenix's socket) has no connect timeout: its heartbeat
 * and join timers only run once the socket is open, so a socket whose upgrade is never answered (a
 * load balancer or proxy that accepts the TCP connection and then hangs) stays `connecting` for
 * good, even after the network heals, and every room on it waits forever. Closing such a socket
 * makes realtime-js see an ordinary failed connection and reconnect on its own (jittered) schedule.
 *
 * Invariants: a socket is closed by the deadline only while still CONNECTING, never once it opened;
 * each socket's timer is cancelled when it opens or closes; the wrapper returns the socket the
 * given constructor made (same class, same events), so it works with the browser's WebSocket, `ws`
 * and any constructor realtime-js accepts; wrapping a wrapped constructor adds no second deadline.
 */
import { PresenceError, type Scheduler, systemScheduler } from '@wedsync/presence-core'

/** What the deadline uses of a socket: its state, `close`, and open/close events. */
export interface HandshakeSocket {
  readonly readyState: number
  close(code?: number, reason?: string): void
  addEventListener?(
    type: 'open' | 'close',
    listener: () => void,
    options?: { once?: boolean },
  ): void
}

/** A WebSocket constructor, as realtime-js's `transport` option takes it. */
export type WebSocketConstructor = new (
  address: string | URL,
  protocols?: string | string[],
) => HandshakeSocket

export interface HandshakeDeadlineOptions {
  /**
   * How long a socket may stay connecting (TCP, TLS and the HTTP upgrade) before it is closed and
   * realtime-js reconnects. Default 10,000 ms: realtime-js's own join timeout, and many times a
   * healthy handshake even on a slow mobile network.
   */
  readonly timeoutMs?: number
  readonly scheduler?: Scheduler
}

export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000

/** WebSocket.CONNECTING, the same in every implementation (the WHATWG value). */
const CONNECTING = 0

const wrapped = new WeakSet<object>()

/**
 * `transport` with a handshake deadline: `createClient(url, key, { realtime: { transport:
 * withHandshakeDeadline(WebSocket) } })`. `createPresenceSupabaseClient` does this by itself.
 */
export function withHandshakeDeadline<T extends WebSocketConstructor>(
  transport: T,
  options: HandshakeDeadlineOptions = {},
): T {
  const timeoutMs = options.timeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs))
    throw new PresenceError(
      'PRESENCE_INVALID_ARGUMENT',
      `the handshake timeout must be a positive number of ms, got ${timeoutMs}`,
    )
  if (typeof transport !== 'function')
    throw new PresenceError('PRESENCE_INVALID_ARGUMENT', 'the transport must be a constructor')
  if (wrapped.has(transport)) return transport
  const scheduler = options.scheduler ?? systemScheduler

  // A plain function, not a subclass: `new` on it returns the socket the base made, so the app
  // and realtime-js get exactly the class they passed (some, such as Cloudflare's, cannot be
  // subclassed).
  function DeadlineWebSocket(address: string | URL, protocols?: string | string[]) {
    const socket = new transport(address, protocols)
    const cancel = scheduler.schedule(timeoutMs, () => {
      // No code: a browser accepts only 1000 or 3000–4999 from a script, and a socket closed while
      // connecting reports 1006 either way, which realtime-js treats as a failed connection.
      if (socket.readyState === CONNECTING) socket.close()
    })
    socket.addEventListener?.('open', cancel, { once: true })
    socket.addEventListener?.('close', cancel, { once: true })
    return socket
  }
  // Statics (OPEN, CLOSED, …) and `instanceof` read through to the base; the name is realtime-js's
  // and Phoenix's label for the transport in their logs.
  Object.setPrototypeOf(DeadlineWebSocket, transport)
  DeadlineWebSocket.prototype = transport.prototype
  Object.defineProperty(DeadlineWebSocket, 'name', { value: transport.name })
  wrapped.add(DeadlineWebSocket)
  return DeadlineWebSocket as unknown as T
}
