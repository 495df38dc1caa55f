import type { ViteUserConfig } from 'vitest/config'
import { packageTestConfig } from '../../vitest.shared.js'

const config = packageTestConfig({ coverage: false })

// Unit tests beside the source, and the browser tests in test/ (real Chromium, local Realtime
// server, built board). One file at a time: the browser suite wants both cores to itself.
const browserAndUnit: ViteUserConfig = {
  ...config,
  test: {
    ...config.test,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    fileParallelism: false,
  },
}

export default browserAndUnit
