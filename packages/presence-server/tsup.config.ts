/**
 * Builds every entry as ESM and CommonJS, except the ESM-only ones: the contract suites import
 * vitest, which cannot be require()d, so a CommonJS build of them could only ever throw.
 */
import { defineConfig } from 'tsup'

const ESM_ONLY = ['contract']

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    node: 'src/node.ts',
    postgres: 'src/postgres.ts',
    pglite: 'src/pglite.ts',
    redis: 'src/redis.ts',
    contract: 'src/contract.ts',
    client: 'src/client.ts',
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
  external: ['vitest', 'pg', 'ioredis', '@electric-sql/pglite'],
})
