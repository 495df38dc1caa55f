/**
 * Builds every entry as ESM and CommonJS, except the ESM-only ones: the contract suite imports
 * vitest, which cannot be require()d, so a CommonJS build of it could only ever throw.
 */
import { defineConfig } from 'tsup'

const ESM_ONLY = ['contract']

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    browser: 'src/browser.ts',
    calendar: 'src/calendar.ts',
    contract: 'src/contract.ts',
  },
  format: ['esm', 'cjs'],
  esbuildOptions(options, { format }) {
    if (format !== 'cjs' || !options.entryPoints || Array.isArray(options.entryPoints)) return
    const entries = { ...options.entryPoints }
    for (const name of ESM_ONLY) delete entries[name]
    options.entryPoints = entries
  },
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
  external: ['vitest', /^@wedsync\//],
})
