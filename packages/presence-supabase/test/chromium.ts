/**
 * Debian's Chromium driven by playwright-core (Playwright's own browser download cannot be reached
 * from these machines). Each launch gets a fresh profile; QUIC, sync and background networking are
 * off so the browser talks only to the servers the test started.
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
    // playwright-core passes --headless itself and gives every launch a fresh --user-data-dir.
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
