import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // Bundling drops module directives, and every hook needs the client side of a Next.js App Router
  // app: the banner puts 'use client' back at the top of each output file.
  banner: { js: "'use client'" },
})
