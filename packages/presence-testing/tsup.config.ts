import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    contract: 'src/contract.ts',
    server: 'src/server.ts',
    msw: 'src/msw.ts',
    'fault-proxy': 'src/fault-proxy.ts',
    'bin/presence-realtime': 'src/bin/presence-realtime.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  external: ['vitest', 'msw'],
})
