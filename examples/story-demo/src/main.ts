/**
 * The SPEC story on the in-memory hub: a venue coordinator and three suppliers of wedding 123 see
 * each other while a fake clock walks from yesterday evening to the rainy wedding day.
 * Run: pnpm --filter @wedsync/example-story-demo start (from the repository root).
 */
import {
  createPresenceClient,
  type PresenceClient,
  type PresenceRoom,
} from '@wedsync/presence-core'
import { createFakeActivity, createFakeClock, createMemoryHub } from '@wedsync/presence-testing'
import { renderBoard } from './board.js'

const ROOM = 'wedding:123'
const MINUTE = 60_000
const clock = createFakeClock(Date.UTC(2026, 5, 11, 18, 0)) // Thursday 18:00, two days before the wedding
const hub = createMemoryHub({ clock })
const stamp = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'full',
  timeStyle: 'short',
  timeZone: 'UTC',
})

function supplier(userId: string, name: string, role: string, label = userId) {
  const activity = createFakeActivity()
  const client = createPresenceClient({
    transport: hub.connect(label),
    userId,
    clock,
    activity,
    profile: { name, role },
  })
  client.on('error', (error) => console.error(`  ! ${userId}: ${error.message}`))
  return { client, activity }
}

async function step(title: string, room: PresenceRoom, viewer: PresenceClient) {
  await clock.flush()
  console.log(`\n${stamp.format(clock.now())} — ${title}`)
  console.log(renderBoard(room.getSnapshot(), clock.now(), viewer.userId))
}

async function main() {
  const coordinator = supplier('u-venue', 'Maya', 'venue coordinator')
  const board = coordinator.client.enter(ROOM, {
    activity: { action: 'viewing', target: 'setup checklist', weddingId: '123' },
  })

  const caterer = supplier('u-caterer', 'Oskar', 'caterer')
  caterer.client.enter(ROOM, { activity: { action: 'editing', target: 'menu', weddingId: '123' } })
  for (let minute = 0; minute < 40; minute++) {
    caterer.activity.input()
    coordinator.activity.input()
    await clock.advance(MINUTE)
  }
  await step('the caterer is finishing the menu', board, coordinator.client)

  caterer.client.destroy() // closes the laptop cleanly at 18:40
  await step('the caterer signed off', board, coordinator.client)

  await clock.set(Date.UTC(2026, 5, 12, 9, 0)) // Friday morning
  const photographer = supplier('u-photo', 'Priya', 'photographer')
  photographer.client.enter(ROOM, {
    activity: { action: 'viewing', target: 'timeline', weddingId: '123' },
  })
  const florist = supplier('u-florist', 'Florence', 'florist')
  florist.client.enter(ROOM, {
    activity: { action: 'editing', target: 'flower order', weddingId: '123' },
  })
  coordinator.activity.input()
  await step('the photographer and the florist start work', board, coordinator.client)

  for (let minute = 0; minute < 5; minute++) {
    photographer.activity.input() // keeps working on the timeline; the florist walked away
    coordinator.activity.input()
    await clock.advance(MINUTE)
  }
  await clock.advance(1_000)
  await step('who can she reach? (the SPEC story)', board, coordinator.client)

  const phone = supplier('u-photo', 'Priya', 'photographer', 'u-photo-phone')
  phone.client.enter(ROOM, {
    activity: { action: 'viewing', target: 'shot list', weddingId: '123' },
  })
  phone.client.setStatus('busy')
  phone.client.setCustomStatus({
    text: 'At a venue',
    emoji: '📸',
    expiresAt: Date.UTC(2026, 5, 12, 15, 0),
  })
  await clock.advance(MINUTE)
  await step('the photographer sets busy on her phone', board, coordinator.client)
  console.log(
    `  her laptop now says: ${photographer.client.me().status} (${photographer.client.me().customStatus?.text})`,
  )

  florist.activity.input()
  await clock.advance(MINUTE)
  await step('the florist is back at her desk', board, coordinator.client)

  hub.disconnect('u-florist', { silent: true }) // lid shut, no goodbye…
  florist.client.destroy() // …and the laptop stays asleep: nothing it sends gets out
  await clock.advance(31_000)
  await step('the florist’s laptop vanished: gone within the 30 s lease', board, coordinator.client)

  await clock.set(Date.UTC(2026, 5, 13, 11, 0)) // the wedding day, it rains
  phone.client.setStatus(null)
  photographer.activity.input()
  coordinator.activity.input()
  await clock.advance(MINUTE)
  hub.setFaults({ latencyMs: 25 }) // a little network between the phones and the server
  const report = board.broadcast(
    'urgent',
    { text: 'Ceremony moved to 4 PM (rain)' },
    { receipts: true, timeoutMs: 2_000 },
  )
  await clock.advance(2_000)
  const { recipients } = await report
  await step('urgent broadcast: “Ceremony moved to 4 PM”', board, coordinator.client)
  for (const r of recipients) {
    const outcome =
      r.outcome === 'delivered'
        ? `received in ${r.latencyMs} ms`
        : r.outcome === 'no-receipt'
          ? 'online but no receipt — call them'
          : `${r.status} — reach by phone/email`
    console.log(`  → ${r.userId.padEnd(12)} ${outcome}`)
  }

  for (const c of [coordinator, photographer, phone]) c.client.destroy()
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
