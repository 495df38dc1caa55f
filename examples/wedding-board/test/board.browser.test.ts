/**
 * The board in a real browser: Debian's Chromium (playwright-core) opens the built board twice, as
 * two suppliers of one wedding, on our local Realtime server through real supabase-js; two more
 * suppliers join from Node (supabase-js over ws), as people without the board open. Every wait
 * is for a state of the page (locator waits), never for time. Screenshots of each state go to
 * screenshots/ (untracked; the README's pictures are copies of some of them in images/).
 */
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { createPresenceClient, type PresenceClient } from '@wedsync/presence-core'
import {
  DEV_ANON_KEY,
  type RealtimeServer,
  startRealtimeServer,
} from '@wedsync/presence-testing/server'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { supplierById } from '../src/cast.js'
import { type BoardServer, startBuiltBoard } from '../src/demo/board-server.js'
import { connectRealtime, type RealtimeConnection } from '../src/realtime.js'
import { launchChromium } from './chromium.js'

const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url))
/** The lease a closed page must be gone within (core's default; the server reports it sooner). */
const LEASE_MS = 30_000
/** Failure bound for ordinary waits: a loaded 2-core machine may be slow, a hang still fails. */
const WAIT_MS = 15_000

let server: RealtimeServer
let board: BoardServer
let browser: Browser
const contexts: BrowserContext[] = []
const nodeSuppliers: { client: PresenceClient; connection: RealtimeConnection }[] = []

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true })
  server = await startRealtimeServer({ port: 0 })
  board = await startBuiltBoard({ url: server.url, anonKey: DEV_ANON_KEY })
  browser = await launchChromium()
})

afterAll(async () => {
  for (const { client, connection } of nodeSuppliers) {
    client.destroy()
    await connection.close()
  }
  await browser?.close()
  await board?.close()
  await server?.stop()
})

/** A supplier's browser: its own profile (context), the board opened as `as`. */
async function open(as: string, params = ''): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 960 },
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  })
  contexts.push(context)
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(`${board.url}?as=${as}${params}`)
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: WAIT_MS })
  expect(errors).toEqual([])
  return page
}

/** A supplier on a laptop without the board: a Node client on real supabase-js. */
function nodeSupplier(userId: string): PresenceClient {
  const connection = connectRealtime({
    url: server.url,
    anonKey: DEV_ANON_KEY,
    webSocket: WebSocket,
  })
  const person = supplierById(userId)!
  const client = createPresenceClient({
    transport: connection.transport,
    userId,
    profile: { name: person.name, role: person.role },
  })
  nodeSuppliers.push({ client, connection })
  return client
}

const row = (page: Page, name: string) => page.getByRole('listitem', { name })

async function expectStatus(page: Page, name: string, status: string, timeout = WAIT_MS) {
  await row(page, name).locator('.pill', { hasText: status }).waitFor({ timeout })
}

async function shot(page: Page, name: string) {
  // From the top: the sticky bar would otherwise be drawn where the page was scrolled to.
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true })
}

describe('the wedding board in Chromium', () => {
  it('shows two suppliers to each other, live: online, urgent receipts, weddings, privacy, idle, gone', async () => {
    // ── both open Ana & Ben's wedding: each sees the other appear ─────────────
    const maya = await open('u-venue')
    const priya = await open('u-photo')
    await expectStatus(maya, 'Priya Shah', 'Online')
    await expectStatus(priya, 'Maya Okafor', 'Online')
    await expect
      .poll(() => row(maya, 'Priya Shah').textContent())
      .toContain('Viewing the supplier board')
    // The florist is at the market (busy, with a custom status); the caterer came and went.
    const tom = nodeSupplier('u-florist')
    tom.enter('wedding:123', { activity: { action: 'editing', target: 'flower order' } })
    tom.setStatus('busy')
    tom.setCustomStatus({
      text: 'At the flower market',
      emoji: '💐',
      expiresAt: Date.now() + 40 * 60_000,
    })
    const oskar = nodeSupplier('u-caterer')
    oskar.enter('wedding:123')
    await expectStatus(maya, 'Oskar Lindqvist', 'Online')
    oskar.destroy()
    await expectStatus(maya, 'Oskar Lindqvist', 'Offline')
    await row(maya, 'Oskar Lindqvist')
      .getByText(/^last seen /)
      .waitFor({ timeout: WAIT_MS })
    await expectStatus(maya, 'Tom Becker', 'Busy')
    await expect
      .poll(() => row(maya, 'Tom Becker').textContent())
      .toMatch(/At the flower market · until \d\d:\d\d/)
    expect(await row(maya, 'Sofia Marin').textContent()).toContain('not seen yet')
    // Every form control has a label (accessible name) to be reached by.
    const unlabelled = await maya.evaluate(() =>
      Array.from(document.querySelectorAll('input, select, textarea, button'))
        .filter((el) => {
          const control = el as HTMLInputElement
          const named =
            control.labels?.length || el.getAttribute('aria-label') || el.textContent?.trim()
          return !named
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    )
    expect(unlabelled).toEqual([])
    await shot(maya, 'board-online')

    // ── an urgent broadcast: receipts fill in ─────────────────────────────────
    await maya.getByRole('button', { name: 'Send urgent message' }).click()
    await priya
      .getByRole('alert')
      .filter({ hasText: 'Ceremony moved to 4 PM' })
      .waitFor({ timeout: WAIT_MS })
    const receipts = maya.getByRole('list', { name: 'Receipts' })
    await receipts.getByText(/^Delivered · \d+ ms$/).waitFor({ timeout: WAIT_MS })
    expect(await receipts.locator('.receipt-delivered').textContent()).toContain('Priya Shah')
    // Busy, gone, or never here: phone or email.
    await expect.poll(() => receipts.locator('.receipt-not-present').count()).toBe(4)
    expect(await receipts.locator('.receipt', { hasText: 'Tom Becker' }).textContent()).toContain(
      'Busy · call or email',
    )
    await maya.getByText('· final').waitFor({ timeout: WAIT_MS })
    const summary = await maya.locator('.report-summary').textContent()
    expect(summary).toContain('1 delivered')
    expect(summary).toContain('4 to call or email')
    await shot(maya, 'urgent-receipts')
    await shot(priya, 'urgent-received')

    // ── Priya switches weddings (by keyboard): presence follows her ──────────
    const chloe = priya.getByRole('button', { name: /Chloé & Dev/ })
    await chloe.focus()
    await priya.keyboard.press('Enter')
    await expect.poll(() => chloe.getAttribute('aria-current')).toBe('page')
    await priya.getByRole('heading', { level: 1, name: 'Chloé & Dev' }).waitFor()
    await expectStatus(maya, 'Priya Shah', 'Offline')
    await maya.getByRole('button', { name: /Chloé & Dev/ }).click()
    await expectStatus(maya, 'Priya Shah', 'Online')
    await expectStatus(priya, 'Maya Okafor', 'Online')
    await shot(maya, 'switched-wedding')
    await maya.getByRole('button', { name: /Ana & Ben/ }).click()
    await expectStatus(maya, 'Priya Shah', 'Offline')

    // ── privacy: Maya appears offline, then is back ──────────────────────────
    await priya.getByRole('button', { name: /Ana & Ben/ }).click()
    await expectStatus(priya, 'Maya Okafor', 'Online')
    await maya.getByRole('switch', { name: /Appear offline/ }).check()
    await expectStatus(priya, 'Maya Okafor', 'Offline')
    await maya.getByRole('switch', { name: /Appear offline/ }).uncheck()
    await expectStatus(priya, 'Maya Okafor', 'Online')
    await expect.poll(() => row(priya, 'Maya Okafor').textContent()).toContain('Viewing')
    // What she stops sharing is not in what she publishes next (here: going busy).
    await maya.getByRole('switch', { name: /Share what I’m viewing/ }).uncheck()
    await maya.getByRole('radio', { name: /Busy/ }).check()
    await expectStatus(priya, 'Maya Okafor', 'Busy')
    expect(await row(priya, 'Maya Okafor').textContent()).not.toContain('Viewing')
    await maya.getByRole('radio', { name: /Automatic/ }).check()
    await maya.getByRole('switch', { name: /Share what I’m viewing/ }).check()
    await expectStatus(priya, 'Maya Okafor', 'Online')

    // ── Priya's laptop goes quiet: idle, and when she was last active ─────────
    await priya.goto(`${board.url}?as=u-photo&idleAfterMs=1500`)
    await expectStatus(maya, 'Priya Shah', 'Idle')
    await row(maya, 'Priya Shah')
      .getByText(/^active /)
      .waitFor({ timeout: WAIT_MS })
    await shot(maya, 'board-idle')

    // ── Priya closes her page: offline within the lease ──────────────────────
    const closedAt = Date.now()
    await priya.close()
    await expectStatus(maya, 'Priya Shah', 'Offline', LEASE_MS)
    const goneAfterMs = Date.now() - closedAt
    expect(goneAfterMs).toBeLessThan(LEASE_MS)
    await row(maya, 'Priya Shah')
      .getByText(/^last seen /)
      .waitFor({ timeout: WAIT_MS })
    console.log(`closed page shown offline after ${goneAfterMs} ms`)
    await shot(maya, 'board-offline')
  })
})
