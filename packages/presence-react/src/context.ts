/**
 * The provider that hands the app's PresenceClient (and the clock it runs on) to the hooks.
 * Invariant: the context value changes only when the client, clock or scheduler does.
 */
import {
  type Clock,
  type PresenceClient,
  PresenceError,
  type Scheduler,
  systemClock,
  systemScheduler,
} from '@wedsync/presence-core'
import {
  createContext,
  createElement,
  type ReactNode,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
} from 'react'

export interface PresenceProviderProps {
  readonly client: PresenceClient
  /**
   * The clock the client runs on, for "last seen" text: pass the same one (a fake clock in tests).
   * Default: the system clock.
   */
  readonly clock?: Clock
  /** Where the shared "last seen" ticker sets its timer. Default: the clock if it can schedule, else timers. */
  readonly scheduler?: Scheduler
  readonly children?: ReactNode
}

export interface PresenceTime {
  readonly clock: Clock
  readonly scheduler: Scheduler
}

interface PresenceContextValue extends PresenceTime {
  readonly client: PresenceClient
}

const PresenceContext = createContext<PresenceContextValue | undefined>(undefined)

const SYSTEM_TIME: PresenceTime = { clock: systemClock, scheduler: systemScheduler }

function isScheduler(value: unknown): value is Scheduler {
  return typeof (value as Scheduler | undefined)?.schedule === 'function'
}

export function PresenceProvider({
  client,
  clock = systemClock,
  scheduler,
  children,
}: PresenceProviderProps): ReactNode {
  const value = useMemo<PresenceContextValue>(
    () => ({
      client,
      clock,
      // The same default as createPresenceClient: a fake clock is also its scheduler.
      scheduler: scheduler ?? (isScheduler(clock) ? clock : systemScheduler),
    }),
    [client, clock, scheduler],
  )
  // createElement rather than JSX: no jsx-runtime import, and `.Provider` works in React 18 and 19.
  return createElement(PresenceContext.Provider, { value }, children)
}

/** The client from the nearest PresenceProvider; throws PRESENCE_INVALID_ARGUMENT without one. */
export function usePresenceClient(): PresenceClient {
  const value = useContext(PresenceContext)
  if (!value)
    throw new PresenceError(
      'PRESENCE_INVALID_ARGUMENT',
      'Presence hooks need a <PresenceProvider client={…}> above them',
    )
  return value.client
}

/** The provider's clock and scheduler, or system time outside a provider. */
export function usePresenceTime(): PresenceTime {
  return useContext(PresenceContext) ?? SYSTEM_TIME
}

/**
 * A layout effect in the browser (a room entered before paint, so no frame shows it missing) and a
 * plain effect elsewhere: React 18 warns about layout effects on the server. Reads no `window`.
 */
export const useClientLayoutEffect: typeof useEffect =
  typeof document === 'undefined' ? useEffect : useLayoutEffect
