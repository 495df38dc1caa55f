/**
 * `@wedsync/presence-testing/chromium`: a browser for browser tests where Playwright's own
 * download cannot be reached — Debian's Chromium (`apt-get install chromium`, or CHROMIUM_PATH),
 * driven by playwright-core. Each launch gets a fresh profile (playwright-core passes
 * --user-data-dir itself); QUIC, sync and background networking are off, so the browser talks only
 * to the servers the test started. playwright-core is an optional peer: only this entry loads it.
 */
import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: run scripts/chromium.sh (apt-get install chromium) or set CHROMIUM_PATH`,
    )
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}
