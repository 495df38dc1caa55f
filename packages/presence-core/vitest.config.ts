import { packageTestConfig } from '../../vitest.shared.js'

export default packageTestConfig({
  coverageExclude: ['src/browser.ts'],
})
