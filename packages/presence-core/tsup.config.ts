import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts', 'src/browser.ts', 'src/trust.ts', 'src/trust-node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
  esbuildOptions(options) {
    // Members named `_…` are internal (room ↔ client ↔ room state, node and heap fields): they
    // never cross the public API or the wire, so the build shortens their names.
    options.mangleProps = /^_/
  },
})
