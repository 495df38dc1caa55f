// Presence-aware notification routing: deliver now, push, hold while busy, or hand to the fallback.
//   pnpm build && node examples/notification-routing.mjs
// Held notifications live in a NotificationStore (memory here; Postgres/PGlite in production:
// createSqlNotificationStore). Presence is a map here; in an app use presenceFromStore(store).
import { pathToFileURL } from 'node:url'
import {
  createMemoryNotificationStore,
  createNotificationRouter,
  routeNotification,
} from '@wedsync/presence-coordination'

export async function main() {
  const log = []
  const now = Date.UTC(2026, 5, 13, 14, 0)

  // The pure rules, for one recipient at one instant.
  for (const status of ['online', 'idle', 'busy', 'offline']) {
    const decision = routeNotification({ urgency: 'routine', status, now })
    log.push(`routine to someone ${status}: ${describe(decision)}`)
  }
  const emergency = routeNotification({ urgency: 'emergency', status: 'busy', now })
  log.push(`emergency to someone busy: ${describe(emergency)}`)

  // The runtime: the app's hooks, a durable hold, release when the recipient comes back.
  const presence = new Map([
    ['u-photo', 'online'],
    ['u-florist', 'busy'],
    ['u-caterer', 'offline'],
  ])
  const router = createNotificationRouter({
    store: createMemoryNotificationStore(),
    presence: (userId) => presence.get(userId) ?? 'offline',
    clock: { now: () => now },
    hooks: {
      inApp: (n) => log.push(`  in-app → ${n.recipientId}: ${n.payload.text}`),
      push: (n) => log.push(`  push → ${n.recipientId}: ${n.payload.text}`),
      fallback: (n) => log.push(`  email → ${n.recipientId}: ${n.payload.text}`),
    },
  })
  for (const recipientId of ['u-photo', 'u-florist', 'u-caterer']) {
    const result = await router.send({
      recipientId,
      urgency: 'routine',
      payload: { text: 'Final timeline attached' },
    })
    log.push(`${recipientId}: ${result.held ? 'held' : `sent via ${result.delivered.join(' + ')}`}`)
  }
  presence.set('u-florist', 'online')
  const released = await router.onPresenceChange('u-florist', 'online')
  log.push(`u-florist came online: ${released.length} held notification released`)
  return log
}

function describe(decision) {
  if (decision.action === 'hold')
    return `hold until ${new Date(decision.giveUpAt).toISOString().slice(11, 16)} UTC at the latest`
  return decision.routes.join(' + ')
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  for (const line of await main()) console.log(line)
