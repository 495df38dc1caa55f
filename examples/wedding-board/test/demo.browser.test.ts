/**
 * `pnpm demo` runs verified: the demo as main.ts composes it (startDemo: local Realtime server,
 * presence API with its credential issuer, the built board, the crowd of simulated suppliers on
 * real supabase-js clients), with Chromium opening the board as Maya. The board says "Verified",
 * every supplier's client is verified, urgent receipts come back through verification, and an
 * unsigned meta tracked under a supplier's key by a bare supabase-js client is dropped — counted
 * in the top bar, never shown — while the real supplier stays on the board. Every wait is for a
 * state of the page or a report of the dropped update, never for time.
 */
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '@wedsync/presence-testing/chromium'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../src/bots/plan.js'
import { type Demo, startDemo } from '../src/demo/demo.js'
import { FORGED_STATUS, type Forgery, forgedMeta, forgePresence } from './forge.js'

const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url))
/** Failure bound for waits: a loaded 2-core machine may be slow, a hang still fails. */
const WAIT_MS = 15_000
/** The planner starts present on Ana & Ben's wedding (within 3 s) and works only on it. */
const PLANNER = { userId: 'u-planner', name: 'Sofia Marin' }

let demo: Demo
let browser: Browser
let forgery: Forgery | undefined

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true })
  demo = await startDemo({
    realtimePort: 0,
    board: { kind: 'built' },
    random: (i) => seededRandom(20260613 + i),
  })
  browser = await launchChromium()
})

afterAll(async () => {
  await forgery?.close()
  await browser?.close()
  await demo?.stop()
})

async function openBoard(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 960 },
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(`${demo.board.url}?as=u-venue&wedding=123`)
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: WAIT_MS })
  expect(errors).toEqual([])
  return page
}

const row = (page: Page, name: string) => page.getByRole('listitem', { name })
/** A status pill that says the supplier is there (whichever status the crowd gave them). */
const present = (page: Page, name: string) =>
  row(page, name).locator('.pill', { hasText: /^(Online|Idle|Away|Busy)$/ })

describe('the demo', () => {
  it('runs verified: the board, every supplier, receipts; a forged meta is dropped, never shown', async () => {
    const maya = await openBoard()
    await maya.locator('.trust-verified', { hasText: 'Verified' }).waitFor({ timeout: WAIT_MS })
    await present(maya, PLANNER.name).waitFor({ timeout: WAIT_MS })

    // Every supplier who is here is on a verified client (each arrival: a credential of its own).
    const here = demo.crowd.filter((bot) => bot.client() !== undefined)
    expect(here.map((bot) => bot.userId)).toContain(PLANNER.userId)
    for (const bot of here) expect(bot.client()!.trust).toBe('verified')

    // Receipts are signed by the suppliers' sessions and verified before they count.
    await maya.getByRole('button', { name: 'Send urgent message' }).click()
    const receipts = maya.getByRole('list', { name: 'Receipts' })
    await receipts
      .locator('.receipt-delivered', { hasText: PLANNER.name })
      .waitFor({ timeout: WAIT_MS })

    // A bare supabase-js client tracks an unsigned meta under the planner's key: Realtime lets it.
    forgery = await forgePresence(
      demo.realtime,
      'wedding:123',
      PLANNER.userId,
      forgedMeta(Date.now()),
    )
    const dropped = maya.locator('.trust-dropped', { hasText: /^· \d+ dropped$/ })
    await dropped.waitFor({ timeout: WAIT_MS })
    expect(await maya.locator('.trust').getAttribute('title')).toContain(
      `presence for "${PLANNER.userId}" in wedding:123: it carries no proof`,
    )
    // The drop was reported, so the forged meta has been dealt with: it is nowhere on the page,
    // and the real planner is still there.
    expect(await maya.locator('body').textContent()).not.toContain(FORGED_STATUS)
    expect(await present(maya, PLANNER.name).count()).toBe(1)
    // Nor did any supplier's client take it for the planner's.
    for (const bot of demo.crowd) {
      const seen = bot.client()?.room('wedding:123')?.member(PLANNER.userId)
      expect(seen?.customStatus?.text).not.toBe(FORGED_STATUS)
    }
    await maya.evaluate(() => window.scrollTo(0, 0))
    await maya.screenshot({ path: `${SCREENSHOTS}demo-verified.png`, fullPage: true })
  })
})
