import { defineConfig } from 'tsup'

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
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
  external: ['vitest', 'pg', 'ioredis', '@electric-sql/pglite'],
})
