/**
 * A tab group: the tabs of one browser that show one user's presence, and which of them leads.
 * The leader is whoever holds the group's Web Lock: the browser grants it to one tab at a time,
 * queues the others, and hands it to the next one the moment the holder closes or crashes, with
 * no timer involved (a hidden tab's throttled timers cannot delay a takeover). Messages go over a
 * BroadcastChannel of the same name (same origin only).
 * Fallback: without Web Locks or BroadcastChannel (old browsers, workers without them, server
 * rendering) the group is a group of one, and this tab leads: every tab publishes on its own, as
 * without a group.
 * Invariants: a tab leads only while it holds the lock (a tab whose lock another tab's `claim`
 * stole hears so within a task: for that moment two sessions of one user publish, which observers
 * aggregate as one member); `post` never delivers to the poster; a closed group delivers nothing
 * and leads nothing.
 */
import { isTabMessage, type TabEnvelope, type TabMessage } from './tab-messages.js'

/** The part of `navigator.locks` a group uses. */
export interface LockManagerLike {
  request(
    name: string,
    options: {
      readonly mode?: 'exclusive'
      readonly steal?: boolean
      readonly signal?: AbortSignal
    },
    callback: (lock: unknown) => Promise<void>,
  ): Promise<unknown>
}

/** The part of `BroadcastChannel` a group uses. */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void
  close(): void
}

export interface TabGroupOptions {
  /** Tabs with the same name are one group: use one per signed-in user (default: the user id). */
  readonly name: string
  /** Default `globalThis.navigator?.locks`; `null`: none (the tab leads alone). */
  readonly locks?: LockManagerLike | null
  /** Default `new BroadcastChannel(name)` where it exists; `null`: none (the tab leads alone). */
  readonly channel?: ((name: string) => BroadcastChannelLike) | null
  /** This tab's id. Default: a random id. */
  readonly tabId?: string
}

export interface TabGroup {
  readonly tabId: string
  /** False when the browser lacks Web Locks or BroadcastChannel: this tab leads alone. */
  readonly shared: boolean
  isLeader(): boolean
  /** Called with `true` when this tab starts leading and `false` when it stops. */
  onLeaderChange(listener: (leading: boolean) => void): () => void
  /** Takes the lead at once (a visible tab replacing a hidden leader); the leader steps down. */
  claim(): void
  /** To every other tab of the group (`to`: to one of them). */
  post(message: TabMessage, to?: string): void
  onMessage(listener: (message: TabMessage, from: string) => void): () => void
  /** Leaves the group: the lead passes to the next tab waiting. */
  close(): void
}

const randomTabId = (): string =>
  globalThis.crypto?.randomUUID?.() ?? `t-${Math.random().toString(36).slice(2)}`

function defaultChannel(): ((name: string) => BroadcastChannelLike) | undefined {
  const Channel = (globalThis as { BroadcastChannel?: new (name: string) => BroadcastChannelLike })
    .BroadcastChannel
  return Channel ? (name) => new Channel(name) : undefined
}

const isAbort = (error: unknown): boolean => (error as { name?: unknown })?.name === 'AbortError'

export function createTabGroup(options: TabGroupOptions): TabGroup {
  const tabId = options.tabId ?? randomTabId()
  const lockName = `wedsync-presence:${options.name}`
  const locks =
    options.locks === undefined
      ? (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks
      : options.locks
  const openChannel = options.channel === undefined ? defaultChannel() : options.channel
  const leaderListeners = new Set<(leading: boolean) => void>()
  const messageListeners = new Set<(message: TabMessage, from: string) => void>()
  let leading = false
  let closed = false

  const setLeading = (next: boolean) => {
    if (leading === next || (closed && next)) return
    leading = next
    for (const listener of [...leaderListeners]) listener(next)
  }

  if (!locks || !openChannel) {
    // A group of one: lead at once, hear nobody.
    leading = true
    return {
      tabId,
      shared: false,
      isLeader: () => leading && !closed,
      onLeaderChange: (listener) => subscribe(leaderListeners, listener),
      claim: () => {},
      post: () => {},
      onMessage: (listener) => subscribe(messageListeners, listener),
      close: () => {
        closed = true
        leading = false
      },
    }
  }

  const channel = openChannel(lockName)
  channel.addEventListener('message', ({ data }) => {
    if (closed) return
    const envelope = data as Partial<TabEnvelope> | null
    if (typeof envelope?.from !== 'string' || envelope.from === tabId) return
    if (envelope.to !== undefined && envelope.to !== tabId) return
    // Same origin only, yet still another script's claim: a malformed message is ignored.
    if (!isTabMessage(envelope.message)) return
    for (const listener of [...messageListeners]) listener(envelope.message, envelope.from)
  })

  /**
   * The latest lock request: queued, or held until `release` (close) or stolen (another tab's
   * claim). A request replaced by a newer one (our own claim) no longer changes who leads.
   */
  let current: { readonly controller: AbortController; readonly release: () => void } | undefined

  /** Queues for the lock, or with `steal` takes it from the holder; leads while holding it. */
  function requestLock(steal: boolean): void {
    const controller = new AbortController()
    let release!: () => void
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const request = { controller, release }
    current = request
    // Web Locks refuse a signal on a steal: a stolen-then-held lock is let go by `release` alone.
    const lockOptions = steal
      ? ({ mode: 'exclusive', steal: true } as const)
      : ({ mode: 'exclusive', signal: controller.signal } as const)
    locks
      ?.request(lockName, lockOptions, async () => {
        if (closed || current !== request) return
        setLeading(true)
        await held
      })
      .then(
        () => {
          if (current === request) setLeading(false)
        },
        (error) => {
          if (current !== request) return
          setLeading(false)
          // Stolen by another tab's claim: queue again, to lead when that one goes.
          if (!closed && isAbort(error)) requestLock(false)
        },
      )
  }
  requestLock(false)

  return {
    tabId,
    shared: true,
    isLeader: () => leading && !closed,
    onLeaderChange: (listener) => subscribe(leaderListeners, listener),
    claim() {
      if (closed || leading) return
      const queued = current
      requestLock(true)
      // The queued request would otherwise be granted later and lead a second time.
      queued?.controller.abort()
    },
    post(message, to) {
      if (closed) return
      const envelope: TabEnvelope =
        to === undefined ? { from: tabId, message } : { from: tabId, to, message }
      channel.postMessage(envelope)
    },
    onMessage: (listener) => subscribe(messageListeners, listener),
    close() {
      if (closed) return
      setLeading(false)
      closed = true
      current?.release()
      current?.controller.abort()
      current = undefined
      channel.close()
      leaderListeners.clear()
      messageListeners.clear()
    },
  }
}

function subscribe<T>(set: Set<T>, listener: T): () => void {
  set.add(listener)
  return () => {
    set.delete(listener)
  }
}
