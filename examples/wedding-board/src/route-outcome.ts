/**
 * What the notification router did for a recipient of an urgent broadcast who did not confirm, in
 * the receipts panel's words: "Push and SMS queued", "Do-not-disturb overridden · push and email
 * queued", "Held while busy · goes by 16:12 at the latest", "Not routed · call them". Pure: from
 * the router's DeliveryResult, the person's status and their fallback channel.
 */
import type { DeliveryResult, DeliveryRoute } from '@wedsync/presence-coordination/browser'
import type { Status } from '@wedsync/presence-core'
import type { FallbackChannel } from './cast.js'

export type RouteState =
  | { readonly state: 'routing' }
  | { readonly state: 'routed'; readonly result: DeliveryResult }
  | { readonly state: 'failed'; readonly error: string }

/** How the panel marks it (with words and an icon, never colour alone). */
export type RouteTone = 'pending' | 'routed' | 'held' | 'failed'

export interface RouteOutcome {
  readonly text: string
  readonly tone: RouteTone
}

function routeName(route: DeliveryRoute, fallback: FallbackChannel): string {
  if (route === 'fallback') return fallback === 'sms' ? 'SMS' : 'email'
  return route === 'push' ? 'push' : 'in-app inbox'
}

/** "push", "push and SMS", "in-app inbox, push and SMS". */
function list(names: readonly string[]): string {
  if (names.length <= 1) return names.join('')
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

export function describeRoute(
  route: RouteState,
  options: {
    readonly fallback: FallbackChannel
    /** Their status when it was sent: busy means the emergency went through do-not-disturb. */
    readonly status?: Status
    readonly formatTime: (epochMs: number) => string
  },
): RouteOutcome {
  if (route.state === 'routing') return { text: 'Routing another way…', tone: 'pending' }
  if (route.state === 'failed') return { text: 'Not routed · call them', tone: 'failed' }
  const { result } = route
  const { decision } = result
  if (decision.action === 'hold')
    return decision.reason === 'busy'
      ? {
          text: `Held while busy · goes by ${options.formatTime(decision.giveUpAt)} at the latest`,
          tone: 'held',
        }
      : {
          text: `Held for quiet hours · until ${options.formatTime(decision.giveUpAt)}`,
          tone: 'held',
        }
  // The in-app inbox is named only when it is the only route taken.
  const shown =
    result.delivered.length > 1 ? result.delivered.filter((r) => r !== 'in-app') : result.delivered
  const failed = result.failed.map((r) => routeName(r, options.fallback))
  if (shown.length === 0)
    return {
      text: failed.length
        ? `${capital(list(failed))} failed · call them`
        : 'Not routed · call them',
      tone: 'failed',
    }
  const overrode = decision.reason === 'emergency' && options.status === 'busy'
  const queued = `${list(shown.map((r) => routeName(r, options.fallback)))} queued`
  const text = [
    ...(overrode ? ['Do-not-disturb overridden'] : []),
    queued,
    ...(failed.length ? [`${list(failed)} failed`] : []),
  ].join(' · ')
  return { text: capital(text), tone: 'routed' }
}
