import { mergeConfig } from 'vitest/config'
import { packageTestConfig } from '../../vitest.shared.js'

// Integration tests talk to the real Postgres and start PGlite (WebAssembly), on a
// 2-core machine shared with the other packages' tests: give them room beyond vitest's 5 s.
export default mergeConfig(packageTestConfig(), {
  test: { testTimeout: 30_000, hookTimeout: 60_000 },
})
