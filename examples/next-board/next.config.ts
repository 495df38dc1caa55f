/**
 * Next.js settings of the example. The build goes to dist/ (not .next/): the repository's
 * ignores (git, biome, dependency-cruiser) and turbo's build outputs already cover dist/; the dev
 * server writes to dist/dev/, so running it never spoils the build the test serves. Type
 * checking is the `typecheck` script's (tsc, strict, with the repository's settings), not the
 * build's; there is no ESLint here (biome lints the repository).
 */
import type { NextConfig } from 'next'
import { PHASE_DEVELOPMENT_SERVER } from 'next/constants'

const config = (phase: string): NextConfig => ({
  distDir: phase === PHASE_DEVELOPMENT_SERVER ? 'dist/dev' : 'dist',
  reactStrictMode: true,
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: true },
  eslint: { ignoreDuringBuilds: true },
  // pg stays a Node require on the server (Next keeps it external by default; said here so a
  // reader sees why the route's driver is never bundled).
  serverExternalPackages: ['pg'],
})

export default config
