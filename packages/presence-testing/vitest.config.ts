import { packageTestConfig } from '../../vitest.shared.js'

export default packageTestConfig({
  // The bin's process wiring (its option parsing lives in src/realtime/cli-options.ts and is
  // tested there).
  coverageExclude: ['src/bin/**'],
})
