/**
 * One supplier on two devices, in a real browser (issue 17, item 5): the photographer opens the
 * board on device A (in use) and device B (left alone, so it turns idle), each its own Chromium
 * profile — its own tab group, session and session credential — on our local Realtime server
 * through real supabase-js, with the demo's presence API (its session sweeper running). The venue
 * coordinator's board, a third profile, must then say the same thing everywhere at once: the
 * roster shows the photographer online, the team availability sentence (the server's aggregate
 * of her sessions) counts her online, and an urgent broadcast reaches her live (delivered, nothing
 * routed to her: no SMS). When device A goes, the roster and the sentence agree she is idle
 * (device B), within the lease and a sweep. Before sessions the server kept the last report of
 * either device (B's idle), and the sentence said she was not online while the roster did.
 * Every wait is for a state of the page or a request of the board, never for time.
 */
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '@wedsync/presence-testing/chromium'
import {
  DEV_ANON_KEY,
  type RealtimeServer,
  startRealtimeServer,
} from '@wedsync/presence-testing/server'
import type { Browser, BrowserContext, Page, Response } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BoardServer, startBuiltBoard } from '../src/demo/board-server.js'
import { describeEntry } from '../src/demo/outbox.js'
import { type PresenceApiServer, startPresenceApiServer } from '../src/demo/presence-api-server.js'

const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url))
/** Failure bound for ordinary waits: a loaded 2-core machine may be slow, a hang still fails. */
const WAIT_MS = 15_000
/** A device that vanished counts for its lease (30 s) and one sweep (5 s), in the room and on the server. */
const LEASE_AND_SWEEP_MS = 35_000
/** The board asks for team availability on every room change, and every 30 s in any case. */
const AVAILABILITY_REFRESH_MS = 30_000

let server: RealtimeServer
let api: PresenceApiServer
let board: BoardServer
let browser: Browser
/** Errors thrown in any page: none expected. */
const pageErrors: string[] = []

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true })
  server = await startRealtimeServer({ port: 0 })
  // No seeded history: the sentence is the count alone, nothing "usually back".
  api = await startPresenceApiServer({ history: false })
  board = await startBuiltBoard({ url: server.url, anonKey: DEV_ANON_KEY }, api)
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await board?.close()
  await api?.close()
  await server?.stop()
})

/** A device: its own browser profile (so its own tab group, session and credential). */
async function device(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 960 },
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  })
  const page = await context.newPage()
  page.on('pageerror', (error) => pageErrors.push(error.message))
  return { context, page }
}

async function openBoard(page: Page, as: string, params = ''): Promise<void> {
  await page.goto(`${board.url}?as=${as}${params}`)
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: WAIT_MS })
}

/** The board's report saying this device is idle (per session, or as the old whole-user status). */
function reportsIdle(response: Response): boolean {
  if (!response.url().endsWith('/presence/status') || !response.ok()) return false
  const body = JSON.parse(response.request().postData() ?? '{}') as {
    status?: string
    session?: { automatic?: string }
  }
  return body.session ? body.session.automatic === 'idle' : body.status === 'idle'
}

const sentence = (page: Page) => page.locator('.availability-sentence')
const row = (page: Page, name: string) => page.getByRole('listitem', { name })
const pill = (page: Page, name: string) => row(page, name).locator('.pill')
const onlineNow = (page: Page) => page.getByRole('list', { name: 'Online now' })

async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true })
}

describe('one supplier on two devices', () => {
  it('the roster, the availability sentence and urgent routing agree: online while one device is in use, idle when only the idle one is left', async () => {
    // ── the photographer: device A in use, device B turning idle ─────────────
    const a = await device()
    const b = await device()
    await openBoard(a.page, 'u-photo', '&idleAfterMs=3600000')
    // B's board reports its idle to the API once it turns idle: what the server holds next.
    const bIdleReported = b.page.waitForResponse(reportsIdle, { timeout: WAIT_MS })
    await openBoard(b.page, 'u-photo', '&idleAfterMs=1500')
    await bIdleReported

    // ── the coordinator's board: everything says online, at once ─────────────
    const coordinator = await device()
    const maya = coordinator.page
    await openBoard(maya, 'u-venue')
    await maya.locator('.trust-verified').waitFor({ timeout: WAIT_MS })
    await pill(maya, 'Priya Shah').filter({ hasText: 'Online' }).waitFor({ timeout: WAIT_MS })
    expect(await onlineNow(maya).getByRole('listitem', { name: 'Priya Shah' }).count()).toBe(1)
    // The server's view (team availability): her two sessions aggregated as the room does.
    await sentence(maya)
      .filter({ hasText: /^2 of 6 suppliers are online$/ })
      .waitFor({ timeout: WAIT_MS })
    // Behind it: both devices' sessions, aggregated (before sessions: one, B's idle report last).
    expect(await api.store.sessionsOf!('u-photo').then((s) => s.length)).toBe(2)
    expect((await api.store.presenceFor('u-venue', ['u-photo']))[0]!.presence?.status).toBe(
      'online',
    )

    // An urgent broadcast reaches her live (device A confirms): nothing goes to her another way.
    await expect
      .poll(() => maya.getByRole('checkbox', { name: /Emergency/ }).isChecked())
      .toBe(true)
    await maya.getByRole('button', { name: 'Send urgent message' }).click()
    const receipts = maya.getByRole('list', { name: 'Receipts' })
    await maya.getByText('· final').waitFor({ timeout: WAIT_MS })
    const priyaReceipt = receipts.locator('.receipt', { hasText: 'Priya Shah' })
    expect(await priyaReceipt.getAttribute('class')).toContain('receipt-delivered')
    expect(await priyaReceipt.locator('.receipt-route').count()).toBe(0)
    const outbox = api.outbox.entries().map(describeEntry)
    expect(outbox.filter((line) => line.includes('Priya Shah'))).toEqual([])
    expect(outbox.some((line) => line.startsWith('SMS to Oskar Lindqvist'))).toBe(true)
    // All at once: the roster, the sentence and the routing, in the same frame.
    expect(await pill(maya, 'Priya Shah').textContent()).toContain('Online')
    expect(await sentence(maya).textContent()).toBe('2 of 6 suppliers are online')
    await shot(maya, 'board-two-devices')

    // ── device A goes: she is idle (device B) in the room and on the server ──
    const closedAt = Date.now()
    await a.context.close()
    await pill(maya, 'Priya Shah')
      .filter({ hasText: 'Idle' })
      .waitFor({ timeout: LEASE_AND_SWEEP_MS })
    await sentence(maya)
      .filter({ hasText: /^1 of 6 suppliers is online$/ })
      .waitFor({ timeout: LEASE_AND_SWEEP_MS + AVAILABILITY_REFRESH_MS })
    console.log(`device A closed: the board agreed she is idle after ${Date.now() - closedAt} ms`)
    expect(await pill(maya, 'Priya Shah').textContent()).toContain('Idle')
    expect((await api.store.presenceFor('u-venue', ['u-photo']))[0]!.presence?.status).toBe('idle')
    await shot(maya, 'board-two-devices-idle')
    await b.context.close()
    await coordinator.context.close()
    expect(pageErrors).toEqual([])
  })
})
