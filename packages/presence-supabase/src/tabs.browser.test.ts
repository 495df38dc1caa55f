/**
 * One person, many tabs, in Debian's Chromium: real Web Locks and BroadcastChannel between real
 * tabs of one browser profile, real supabase-js over the local Realtime server. Counted: presence
 * calls per person per minute with one tab and with five, on a fake clock each tab's client runs on
 * (the test advances every tab's clock together, so a minute takes no minute). Then the leader's
 * tab closes, and another tab must publish for the person with no time passing at all.
 */
import { once } from 'node:events'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '@wedsync/presence-testing/chromium'
import {
  createAccessToken,
  DEV_ANON_KEY,
  type RealtimeServer,
  startRealtimeServer,
} from '@wedsync/presence-testing/server'
import { build } from 'esbuild'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const START = Date.UTC(2026, 5, 13, 9, 0)
const SECOND = 1_000

interface TabApi {
  readonly sessionId: string
  joined(): boolean
  isLeader(): boolean
  calls(): number
  status(of: string): string
  sessions(of: string): string[]
  advance(ms: number): Promise<void>
}
declare const presence: TabApi

let realtime: RealtimeServer
let web: Server
let browser: Browser
let pageUrl: string
const figures: Record<string, number> = {}

beforeAll(async () => {
  realtime = await startRealtimeServer()
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('../test/browser/tabs-page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    // The packages' source, as the workspace's tests use it (no build needed).
    conditions: ['@wedsync/source'],
    logLevel: 'error',
  })
  const script = bundle.outputFiles[0]?.contents ?? new Uint8Array()
  web = createServer((request, response) => {
    if (request.url?.startsWith('/tabs.js')) {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
      return
    }
    response
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>tabs</title><script type="module" src="/tabs.js"></script>')
  }).listen(0, '127.0.0.1')
  await once(web, 'listening')
  pageUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}/`
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  web?.close()
  await realtime?.stop()
  mkdirSync('.test-output', { recursive: true })
  writeFileSync('.test-output/tabs-figures.json', `${JSON.stringify(figures, null, 2)}\n`)
})

async function openTab(context: BrowserContext, user: string, mode: 'tabs' | 'plain' | 'observer') {
  const token = await createAccessToken({ claims: { sub: user } })
  const query = new URLSearchParams({
    realtime: realtime.url,
    anon: DEV_ANON_KEY,
    token,
    user,
    mode,
    start: String(START),
  })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  await page.goto(`${pageUrl}?${query}`)
  await page
    .waitForFunction(
      () => (globalThis as { presence?: TabApi }).presence?.joined() === true,
      undefined,
      {
        timeout: 20_000,
      },
    )
    .catch((error) => {
      throw new Error(`the ${mode} page did not join: ${errors.join('; ') || error}`)
    })
  expect(errors).toEqual([])
  return page
}

/** Every tab's clock moves on together, one second at a time, with input in the first tab. */
async function advanceAll(pages: readonly Page[], ms: number, input?: Page) {
  for (let elapsed = 0; elapsed < ms; elapsed += SECOND) {
    await input?.mouse.move(10 + (elapsed % 200), 10)
    await Promise.all(pages.map((page) => page.evaluate((step) => presence.advance(step), SECOND)))
  }
}

const leaders = (pages: readonly Page[]) =>
  Promise.all(pages.map((page) => page.evaluate(() => presence.isLeader())))

describe('one person, many tabs (Chromium)', () => {
  for (const tabCount of [1, 5]) {
    it(`${tabCount} tab(s): one leader, one session in the room, presence calls per minute`, async () => {
      const dan = await browser.newContext()
      const priya = await browser.newContext() // one profile: the tabs share Web Locks and channels
      try {
        const observer = await openTab(dan, 'u-dan', 'observer')
        const tabs: Page[] = []
        for (let i = 0; i < tabCount; i++) tabs.push(await openTab(priya, 'u-priya', 'tabs'))
        await tabs[0]?.waitForFunction(() => presence.isLeader())
        await observer.waitForFunction(() => presence.status('u-priya') === 'online')
        const all = [observer, ...tabs]
        await advanceAll(all, 2 * SECOND) // joins settle
        expect((await leaders(tabs)).filter(Boolean)).toHaveLength(1)
        expect(await observer.evaluate(() => presence.sessions('u-priya'))).toHaveLength(1)

        const callsBefore = await Promise.all(
          tabs.map((page) => page.evaluate(() => presence.calls())),
        )
        await advanceAll(all, 60 * SECOND, tabs[tabCount - 1])
        const callsAfter = await Promise.all(
          tabs.map((page) => page.evaluate(() => presence.calls())),
        )
        const perMinute = callsAfter.reduce((sum, n, i) => sum + n - (callsBefore[i] ?? 0), 0)
        figures[`presenceCallsPerPersonPerMinute_${tabCount}tab`] = perMinute
        expect(perMinute).toBeGreaterThan(0)
        // The Realtime server holds one meta for Priya (and one for Dan), however many tabs.
        expect(realtime.stats().presences).toBe(2)
        expect(await observer.evaluate(() => presence.status('u-priya'))).toBe('online')
        if (tabCount === 5) {
          expect(perMinute).toBe(figures.presenceCallsPerPersonPerMinute_1tab)

          // The leader's tab closes; the next tab publishes before any time passes on any clock.
          const leaderIndex = (await leaders(tabs)).indexOf(true)
          const leader = tabs[leaderIndex] as Page
          const oldSession = await leader.evaluate(() => presence.sessionId)
          await leader.close({ runBeforeUnload: true })
          const rest = tabs.filter((page) => page !== leader)
          await Promise.race(rest.map((page) => page.waitForFunction(() => presence.isLeader())))
          const newLeader = rest[(await leaders(rest)).indexOf(true)] as Page
          const newSession = await newLeader.evaluate(() => presence.sessionId)
          await observer.waitForFunction(
            ([gone, next]) => {
              const sessions = presence.sessions('u-priya')
              return sessions.includes(next as string) && !sessions.includes(gone as string)
            },
            [oldSession, newSession],
          )
          expect(await observer.evaluate(() => presence.status('u-priya'))).toBe('online')
          expect((await leaders(rest)).filter(Boolean)).toHaveLength(1)
        }
      } finally {
        await priya.close()
        await dan.close()
      }
    }, 120_000)
  }

  it('baseline, the same run: five tabs of plain clients publish five sessions and five times the calls', async () => {
    const dan = await browser.newContext()
    const priya = await browser.newContext()
    try {
      const observer = await openTab(dan, 'u-dan', 'observer')
      const tabs: Page[] = []
      for (let i = 0; i < 5; i++) tabs.push(await openTab(priya, 'u-priya', 'plain'))
      await observer.waitForFunction(() => presence.sessions('u-priya').length === 5)
      const all = [observer, ...tabs]
      await advanceAll(all, 2 * SECOND)
      const callsBefore = await Promise.all(
        tabs.map((page) => page.evaluate(() => presence.calls())),
      )
      await advanceAll(all, 60 * SECOND, tabs[4])
      const callsAfter = await Promise.all(
        tabs.map((page) => page.evaluate(() => presence.calls())),
      )
      const perMinute = callsAfter.reduce((sum, n, i) => sum + n - (callsBefore[i] ?? 0), 0)
      figures.presenceCallsPerPersonPerMinute_5plainTabs = perMinute
      expect(perMinute).toBeGreaterThanOrEqual(
        5 * (figures.presenceCallsPerPersonPerMinute_1tab ?? 1),
      )
    } finally {
      await priya.close()
      await dan.close()
    }
  }, 120_000)
})
