/**
 * Builds every entry as ESM and CommonJS except the ESM-only ones: the contract suites import
 * vitest, which cannot be require()d, so their CommonJS build could only throw; the bin is ESM,
 * started by the committed launcher bin/presence-realtime.mjs.
 */
import { defineConfig } from 'tsup'

const ESM_ONLY = ['contract', 'bin/presence-realtime']

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    contract: 'src/contract.ts',
    server: 'src/server.ts',
    msw: 'src/msw.ts',
    'fault-proxy': 'src/fault-proxy.ts',
    chromium: 'src/chromium.ts',
    'bin/presence-realtime': 'src/bin/presence-realtime.ts',
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
  external: ['vitest', 'msw', 'playwright-core'],
})
