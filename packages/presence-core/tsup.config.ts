import { defineConfig } from 'tsup'

export default defineConfig({
  entry: [
    'src/index.ts',
    'src/agent.ts',
    'src/browser.ts',
    'src/react-native.ts',
    'src/tabs.ts',
    'src/trust.ts',
    'src/trust-node.ts',
  ],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
})
