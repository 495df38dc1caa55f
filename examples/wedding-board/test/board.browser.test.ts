/**
 * The board in a real browser: Debian's Chromium (playwright-core) opens the built board twice, as
 * two suppliers of one wedding, on our local Realtime server through real supabase-js, with the
 * demo's presence API behind it (team availability, the notification router, the outbox, session
 * credentials: every board and client there is verified); two more suppliers join from Node
 * (supabase-js over ws), as people without the board open, verified the same way and recorded in
 * the API as the demo records its simulated suppliers. Without the API the board is unverified,
 * says so, and shows whatever anyone claims. Every wait is for a state of the page (locator
 * waits), never for time. Screenshots of each state go to screenshots/ (untracked; the README's
 * pictures are copies of some of them in images/).
 */
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { createPresenceClient, type PresenceClient } from '@wedsync/presence-core'
import { zonedParts } from '@wedsync/presence-server'
import { launchChromium } from '@wedsync/presence-testing/chromium'
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
import { describeEntry } from '../src/demo/outbox.js'
import {
  CAST_TIME_ZONE,
  type PresenceApiServer,
  startPresenceApiServer,
} from '../src/demo/presence-api-server.js'
import { on } from '../src/demo/seed-history.js'
import { connectPresenceApi } from '../src/presence-api.js'
import { connectRealtime, type RealtimeConnection } from '../src/realtime.js'
import { createVerifiedTrust } from '../src/verification.js'
import { FORGED_STATUS, type Forgery, forgedMeta, forgePresence } from './forge.js'

const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url))
/** The lease a closed page must be gone within (core's default; the server reports it sooner). */
const LEASE_MS = 30_000
/** Failure bound for ordinary waits: a loaded 2-core machine may be slow, a hang still fails. */
const WAIT_MS = 15_000
/** The board asks for team availability on every room change, and every 30 s in any case. */
const AVAILABILITY_REFRESH_MS = 30_000 + WAIT_MS

let server: RealtimeServer
let api: PresenceApiServer
let board: BoardServer
let browser: Browser
const contexts: BrowserContext[] = []
const nodeSuppliers: { client: PresenceClient; connection: RealtimeConnection }[] = []

/**
 * Four weeks in which the planner starts work two hours from now's hour every day, and the
 * caterer four hours from it: whenever the test runs, both are "usually back" later today.
 */
function historyFromNow() {
  const hour = zonedParts(Date.now(), CAST_TIME_ZONE).hour
  const everyDay = [0, 1, 2, 3, 4, 5, 6]
  return {
    days: 28,
    routines: {
      'u-planner': on(everyDay, hour + 2, hour + 5),
      'u-caterer': on(everyDay, hour + 4, hour + 7),
    },
  }
}

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true })
  server = await startRealtimeServer({ port: 0 })
  api = await startPresenceApiServer({ history: historyFromNow() })
  board = await startBuiltBoard({ url: server.url, anonKey: DEV_ANON_KEY }, api)
  browser = await launchChromium()
})

afterAll(async () => {
  for (const { client, connection } of nodeSuppliers) {
    client.destroy()
    await connection.close()
  }
  await browser?.close()
  await board?.close()
  await api?.close()
  await server?.stop()
})

/** A supplier's browser: its own profile (context), the board opened as `as`. */
async function open(as: string, params = '', on: BoardServer = board): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 960 },
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  })
  contexts.push(context)
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(`${on.url}?as=${as}${params}`)
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: WAIT_MS })
  expect(errors).toEqual([])
  return page
}

/**
 * A supplier on a laptop without the board: a Node client on real supabase-js, verified with a
 * credential the presence API issues to them (signed in as themselves), and recorded in the API
 * as the demo records its simulated suppliers.
 */
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
    trust: createVerifiedTrust({
      api: connectPresenceApi({ baseUrl: `${api.url}${api.basePath}`, userId }),
      jwksUrl: api.jwksUrl,
      issuer: api.issuer,
      userId,
    }),
  })
  expect(client.trust).toBe('verified')
  nodeSuppliers.push({ client, connection })
  const unfollow = api.recorder.follow(client)
  const destroy = client.destroy.bind(client)
  client.destroy = () => {
    unfollow()
    destroy()
  }
  return client
}

const sentence = (page: Page, text: RegExp) =>
  page.locator('.availability-sentence').filter({ hasText: text })

const row = (page: Page, name: string) => page.getByRole('listitem', { name })

/** The top bar's badge: "Verified" or "Unverified". */
const trustBadge = (page: Page, mode: 'verified' | 'unverified') =>
  page.locator(`.trust-${mode}`, { hasText: mode === 'verified' ? 'Verified' : 'Unverified' })

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
    // With the presence API, both boards verify: each sees the other only once that verified.
    await trustBadge(maya, 'verified').waitFor({ timeout: WAIT_MS })
    await trustBadge(priya, 'verified').waitFor({ timeout: WAIT_MS })
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
    expect(await row(maya, 'Kofi Mensah').textContent()).toContain('not seen yet')

    // ── team availability: the presence API's sentence, and the rows' times ───
    const at = String.raw`\d\d:\d\d( tomorrow)?`
    await sentence(
      maya,
      new RegExp(
        `^2 of 6 suppliers are online; the florist is busy until ${at}; the planner is usually back by ${at}; the caterer is usually back by ${at}$`,
      ),
    ).waitFor({ timeout: WAIT_MS })
    await row(maya, 'Tom Becker')
      .getByText(new RegExp(`^Busy until ${at}$`))
      .waitFor({ timeout: WAIT_MS })
    await row(maya, 'Sofia Marin')
      .getByText(new RegExp(`^Usually back by ${at}$`))
      .waitFor({ timeout: WAIT_MS })
    // This board never saw her; the presence server remembers when she was last on.
    await row(maya, 'Sofia Marin')
      .getByText(/^last seen .+ at \d\d:\d\d$/)
      .waitFor({ timeout: WAIT_MS })
    await row(maya, 'Oskar Lindqvist')
      .getByText(new RegExp(`^Usually back by ${at}$`))
      .waitFor({ timeout: WAIT_MS })
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
    await shot(maya, 'board-availability')

    // ── an urgent broadcast: receipts fill in, everyone else is routed ────────
    await expect
      .poll(() => maya.getByRole('checkbox', { name: /Emergency/ }).isChecked())
      .toBe(true)
    await maya.getByRole('button', { name: 'Send urgent message' }).click()
    await priya
      .getByRole('alert')
      .filter({ hasText: 'Ceremony moved to 4 PM' })
      .waitFor({ timeout: WAIT_MS })
    const receipts = maya.getByRole('list', { name: 'Receipts' })
    await receipts.getByText(/^Delivered · \d+ ms$/).waitFor({ timeout: WAIT_MS })
    expect(await receipts.locator('.receipt-delivered').textContent()).toContain('Priya Shah')
    // Busy, gone, or never here: the router took each of them another way.
    await maya.getByText('· final').waitFor({ timeout: WAIT_MS })
    expect(await receipts.locator('.receipt-not-present').count()).toBe(4)
    const routeOf = async (name: string) =>
      receipts.locator('.receipt', { hasText: name }).locator('.receipt-route').textContent()
    expect(await routeOf('Tom Becker')).toBe('Do-not-disturb overridden · push and SMS queued')
    expect(await routeOf('Oskar Lindqvist')).toBe('Push and SMS queued')
    expect(await routeOf('Sofia Marin')).toBe('Push and email queued')
    expect(await routeOf('Kofi Mensah')).toBe('Push and SMS queued')
    expect(await receipts.locator('.receipt', { hasText: 'Priya Shah' }).textContent()).not.toMatch(
      /queued/,
    )
    const summary = await maya.locator('.report-summary').textContent()
    expect(summary).toContain('1 delivered')
    expect(summary).toContain('4 routed another way')
    // What the demo's fallback "sent": recorded in the outbox, never delivered.
    const outbox = api.outbox.entries().map(describeEntry)
    for (const line of [
      'SMS to Tom Becker (07700 900104): “Ceremony moved to 4 PM because of rain. Please confirm.” — from Maya Okafor',
      'Email to Sofia Marin (sofia@example.com): “Ceremony moved to 4 PM because of rain. Please confirm.” — from Maya Okafor',
      'SMS to Oskar Lindqvist (07700 900105): “Ceremony moved to 4 PM because of rain. Please confirm.” — from Maya Okafor',
      'SMS to Kofi Mensah (07700 900106): “Ceremony moved to 4 PM because of rain. Please confirm.” — from Maya Okafor',
    ])
      expect(outbox).toContain(line)
    expect(outbox.filter((line) => line.includes('Priya Shah'))).toEqual([])
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
    await sentence(priya, /^2 of 6 suppliers are online/).waitFor({ timeout: WAIT_MS })
    await maya.getByRole('switch', { name: /Appear offline/ }).check()
    await expectStatus(priya, 'Maya Okafor', 'Offline')
    // The server hides her too (its privacy checker runs on every member); at the latest the
    // board's next refresh of availability shows it.
    await sentence(priya, /^1 of 6 suppliers is online/).waitFor({
      timeout: AVAILABILITY_REFRESH_MS,
    })
    expect(await row(priya, 'Maya Okafor').textContent()).not.toContain('elsewhere')
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
    // Everything on this board was signed and verified: nothing had to be dropped.
    expect(await maya.locator('.trust-dropped').count()).toBe(0)
  })

  it('without the presence API (Realtime alone): unverified, live receipts, and says what is unavailable', async () => {
    const plain = await startBuiltBoard({ url: server.url, anonKey: DEV_ANON_KEY })
    let forgery: Forgery | undefined
    try {
      const maya = await open('u-venue', '&wedding=456', plain)
      const lena = await open('u-baker', '&wedding=456', plain)
      await trustBadge(maya, 'unverified').waitFor({ timeout: WAIT_MS })
      expect(await maya.locator('.trust').getAttribute('title')).toContain('no presence API')
      await expectStatus(maya, 'Lena Fischer', 'Online')
      await sentence(maya, /^Not available on this board$/).waitFor({ timeout: WAIT_MS })
      expect(await maya.locator('.availability-meta').textContent()).toContain('pnpm demo')
      expect(await maya.getByRole('checkbox', { name: /Emergency/ }).count()).toBe(0)
      await maya.getByText(/^Fallback routing is unavailable/).waitFor({ timeout: WAIT_MS })

      await maya.getByRole('button', { name: 'Send urgent message' }).click()
      await lena
        .getByRole('alert')
        .filter({ hasText: 'Ceremony moved to 4 PM' })
        .waitFor({ timeout: WAIT_MS })
      await maya.getByText('· final').waitFor({ timeout: WAIT_MS })
      const receipts = maya.getByRole('list', { name: 'Receipts' })
      expect(await receipts.locator('.receipt-delivered').textContent()).toContain('Lena Fischer')
      expect(await maya.locator('.report-summary').textContent()).toMatch(
        /^1 delivered · 4 to call or email · final$/,
      )
      expect(await receipts.locator('.receipt-route').count()).toBe(0)
      expect(
        await receipts.locator('.receipt', { hasText: 'Inès Duarte' }).textContent(),
      ).toContain('Offline · call or email')
      await shot(maya, 'board-without-api')

      // Unverified, a board shows whatever anyone claims: an unsigned meta under Lena's key
      // gives her a custom status she never set (the demo's verified board drops the same).
      forgery = await forgePresence(
        { url: server.url, anonKey: DEV_ANON_KEY },
        'wedding:456',
        'u-baker',
        forgedMeta(Date.now()),
      )
      await row(maya, 'Lena Fischer').getByText(FORGED_STATUS).waitFor({ timeout: WAIT_MS })
    } finally {
      await forgery?.close()
      await plain.close()
    }
  })
})
