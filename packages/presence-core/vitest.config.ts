import { fileURLToPath } from 'node:url'
import { packageTestConfig } from '../../vitest.shared.js'

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// Tests import @wedsync/presence-testing from source: listing it as a devDependency would make a
// package cycle (presence-testing depends on presence-core), which turbo refuses.
export default packageTestConfig({
  coverageExclude: ['src/browser.ts'],
  alias: {
    '@wedsync/presence-testing/contract': source('../presence-testing/src/contract.ts'),
    '@wedsync/presence-testing': source('../presence-testing/src/index.ts'),
  },
})
