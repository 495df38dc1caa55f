/**
 * The Next.js board in a real browser: the production build (`next start`) with presence-server
 * mounted at /api/presence on a Postgres store (the real Postgres, database `test`, a schema of
 * this run's own, dropped after), the local Realtime server, and Debian's Chromium with two
 * browser contexts — Maya and Priya, two suppliers signed in through the dev sign-in. It checks
 * the HTML the server sent (visible_presence()'s privacy: what the viewer may not see is not in
 * it), each browser seeing the other arrive live, a status change crossing over, and that change
 * reaching the server-rendered list through the route handler and the store. Every wait is for a
 * state of the page or of the server (locator waits, polls), never for time.
 */
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '@wedsync/presence-testing/chromium'
import {
  DEV_ANON_KEY,
  DEV_JWT_SECRET,
  type RealtimeServer,
  startRealtimeServer,
} from '@wedsync/presence-testing/server'
import pg from 'pg'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateBoardDatabase } from '../src/setup/migrate.js'
import { APP_ROOT, type NextProcess, startNext } from '../src/setup/next-process.js'
import { seedBoard, seededPresence } from '../src/setup/seed.js'

const DATABASE_URL =
  process.env.PRESENCE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url))
const BUILD = join(APP_ROOT, 'dist')
/** Failure bound for waits: a loaded 2-core machine may be slow, a hang still fails. */
const WAIT_MS = 20_000
const BOARD = '/weddings/123'

const schema = `next_board_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
const seededAt = Date.now()
const seeded = new Map(seededPresence(seededAt).map((s) => [s.userId, s]))
let pool: pg.Pool
let realtime: RealtimeServer
let app: NextProcess
let browser: Browser
const contexts: BrowserContext[] = []

beforeAll(async () => {
  if (!existsSync(join(BUILD, 'BUILD_ID')))
    throw new Error(
      'No build in examples/next-board/dist: run `pnpm --filter @wedsync/example-next-board build` (turbo runs it before test)',
    )
  await mkdir(SCREENSHOTS, { recursive: true })
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 })
  await migrateBoardDatabase(pool, schema)
  await seedBoard(pool, schema, seededAt)
  realtime = await startRealtimeServer({ port: 0 })
  app = await startNext({
    mode: 'start',
    env: {
      DATABASE_URL,
      PRESENCE_SCHEMA: schema,
      NEXT_PUBLIC_SUPABASE_URL: realtime.url,
      NEXT_PUBLIC_SUPABASE_ANON_KEY: DEV_ANON_KEY,
      SUPABASE_JWT_SECRET: DEV_JWT_SECRET,
      BOARD_DEV_SIGN_IN: '1',
    },
  })
  browser = await launchChromium()
})

afterAll(async () => {
  for (const context of contexts) await context.close()
  await browser?.close()
  await app?.stop()
  await realtime?.stop()
  if (pool) {
    await pool.query(`drop schema if exists "${schema}" cascade`)
    await pool.end()
  }
})

/** A supplier's own browser profile, signed in as `as`, on the board; the HTML the server sent. */
async function open(as: string): Promise<{ page: Page; html: string }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  })
  contexts.push(context)
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text())
  })
  // ?as= → the dev sign-in route (cookie) → back to the board: the last response is the page.
  const response = await page.goto(`${app.url}${BOARD}?as=${as}`)
  expect(response?.status()).toBe(200)
  expect(new URL(page.url()).pathname).toBe(BOARD)
  const html = await response!.text()
  // Hydrated, the client made, the room joined over Realtime.
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: WAIT_MS })
  expect(errors).toEqual([])
  return { page, html }
}

const liveRoster = (page: Page) => page.getByRole('list', { name: 'Live roster' })
const serverList = (page: Page) => page.getByRole('list', { name: 'Server-rendered team' })

/** One row of the server-rendered list, out of the HTML as sent (before any script ran). */
function serverRow(html: string, userId: string): string {
  const start = html.indexOf(`data-user-id="${userId}"`)
  expect(start, `${userId} is in the server-rendered list`).toBeGreaterThan(-1)
  const end = html.indexOf('</li>', start)
  return html.slice(start, end)
}

describe('the Next.js board in Chromium', () => {
  it('renders the team through visible_presence() on the server, as the viewer may see it', async () => {
    // What the database holds: Sofia was on ten minutes ago with a custom status, Kofi an hour
    // ago; both are there for the table owner to read.
    const { rows } = await pool.query(
      `select user_id, custom_status_text from "${schema}".user_last_seen order by user_id`,
    )
    expect(rows).toEqual([
      { user_id: 'u-kofi', custom_status_text: null },
      { user_id: 'u-sofia', custom_status_text: 'Tasting menus with the caterer' },
      { user_id: 'u-tom', custom_status_text: null },
    ])

    const { page, html } = await open('u-maya')
    // Tom shares his last seen: its time is in the HTML.
    const tom = serverRow(html, 'u-tom')
    expect(tom).toContain(`dateTime="${seeded.get('u-tom')!.lastSeenAt.toISOString()}"`)
    expect(tom).toContain('Offline') // two hours ago: the lease ran out long since
    // Sofia shows her presence to nobody: offline and nothing else, anywhere in the response
    // (the markup and the RSC payload alike): not her status, her custom status, nor her time.
    const sofia = serverRow(html, 'u-sofia')
    expect(sofia).toContain('Offline')
    expect(sofia).toContain('last seen not shared')
    expect(html).not.toContain('Tasting menus')
    expect(html).not.toContain(seeded.get('u-sofia')!.lastSeenAt.toISOString())
    // Kofi hides his last seen: offline, without a time.
    expect(serverRow(html, 'u-kofi')).toContain('last seen not shared')
    expect(html).not.toContain(seeded.get('u-kofi')!.lastSeenAt.toISOString())
    // The page in the browser says the same once hydrated.
    await serverList(page)
      .getByRole('listitem', { name: 'Sofia Marin' })
      .getByText('last seen not shared')
      .waitFor({ timeout: WAIT_MS })
  })

  it('shows two suppliers to each other live, and a status change in one browser in the other', async () => {
    const maya = (await open('u-maya')).page
    const priya = (await open('u-priya')).page
    const row = (page: Page, name: string) => liveRoster(page).getByRole('listitem', { name })
    const pill = (page: Page, name: string, status: string) =>
      row(page, name).locator('.pill', { hasText: status })

    await pill(maya, 'Priya Shah', 'Online').waitFor({ timeout: WAIT_MS })
    await pill(priya, 'Maya Okafor', 'Online').waitFor({ timeout: WAIT_MS })
    await row(maya, 'Priya Shah').getByText('viewing the team board').waitFor({ timeout: WAIT_MS })

    await priya.getByRole('button', { name: 'Busy' }).click()
    await pill(maya, 'Priya Shah', 'Busy').waitFor({ timeout: WAIT_MS })
    await pill(priya, 'Priya Shah', 'Busy').waitFor({ timeout: WAIT_MS })
    await expect
      .poll(() => priya.getByRole('button', { name: 'Busy' }).getAttribute('aria-pressed'))
      .toBe('true')

    // Priya's browser reported it to /api/presence (the mounted presence-server, Postgres
    // store): the next page Maya's server renders reads it through visible_presence().
    await expect
      .poll(
        async () => {
          const html = await (await maya.context().request.get(`${app.url}${BOARD}`)).text()
          const priyaRow = serverRow(html, 'u-priya')
          return priyaRow.includes('Busy') && priyaRow.includes('viewing the team board')
        },
        { timeout: WAIT_MS },
      )
      .toBe(true)
    const health = await maya.context().request.get(`${app.url}/api/presence/health`)
    expect(health.status()).toBe(200)

    await maya.reload()
    await serverList(maya)
      .getByRole('listitem', { name: 'Priya Shah' })
      .locator('.pill', { hasText: 'Busy' })
      .waitFor({ timeout: WAIT_MS })
    await pill(maya, 'Priya Shah', 'Busy').waitFor({ timeout: WAIT_MS })
    await maya.screenshot({ path: `${SCREENSHOTS}board-maya.png`, fullPage: true })
  })

  it('sends the browser none of presence-server but its fetch client', async () => {
    // Strings only server code holds (the migration runner's lock, the store's ledger, the SQL
    // function's name and the pg driver's protocol errors), searched in every built browser chunk.
    const SERVER_ONLY = [
      'pg_advisory_xact_lock',
      'presence_migrations',
      'visible_presence',
      'createPresenceHandlers',
    ]
    const files = await readdir(join(BUILD, 'static'), { recursive: true })
    const chunks = files.filter((f) => f.endsWith('.js'))
    const text = (
      await Promise.all(chunks.map((f) => readFile(join(BUILD, 'static', f), 'utf8')))
    ).join('\n')
    // The search can find things: the live roster's own text is there.
    expect(text).toContain('viewing')
    expect(text).toContain('team board')
    for (const marker of SERVER_ONLY) expect(text, marker).not.toContain(marker)
  })
})
