#!/usr/bin/env node
// Launcher of the presence-realtime bin. It is committed (not built) so that package managers can
// link the bin in a fresh clone before anything is built; it runs the built server from dist.
import { existsSync } from 'node:fs'

const built = new URL('../dist/bin/presence-realtime.js', import.meta.url)
if (!existsSync(built)) {
  process.stderr.write(
    'presence-realtime is not built yet: run `pnpm --filter @wedsync/presence-testing build`\n',
  )
  process.exit(1)
}
await import(built.href)
