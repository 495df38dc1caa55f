import { packageTestConfig } from '../../vitest.shared.js'

export default packageTestConfig({
  // Test support for the conformance suites, and the bin's process wiring (its option parsing
  // lives in src/realtime/cli-options.ts and is tested there).
  coverageExclude: ['src/realtime/test-*.ts', 'src/bin/**'],
})
