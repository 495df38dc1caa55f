import type { ViteUserConfig } from 'vitest/config'
import { packageTestConfig } from '../../vitest.shared.js'

// The browser test in test/: the built app (`next start`), the local Realtime server, Postgres and
// Chromium. No coverage floor, as for every example: the code under test runs in the Next.js
// server and in Chromium, two processes V8 coverage in the test process cannot see.
const config = packageTestConfig({ coverage: false })

const browser: ViteUserConfig = {
  ...config,
  test: { ...config.test, include: ['test/**/*.test.ts'], fileParallelism: false },
}

export default browser
