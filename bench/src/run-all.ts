/**
 * Runs every `src/*.bench.ts` in name order (or those whose name contains an argument:
 * `pnpm bench room-state`). Each bench module exports `title` and `run()`.
 */
import { readdirSync } from 'node:fs'
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { collectGarbage, environment } from './harness.js'

interface BenchModule {
  readonly title: string
  run(): Promise<void>
}

const here = new URL('./', import.meta.url)
const filters = process.argv.slice(2)
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort()

collectGarbage() // fails early without --expose-gc
const core = fileURLToPath(import.meta.resolve('@wedsync/presence-core'))
const root = fileURLToPath(new URL('../../', import.meta.url))
const env = environment()
console.log(`node ${env.node} (V8 ${env.v8}), ${env.platform}, ${env.cpu} × ${env.cpus}`)
console.log(
  `@wedsync/presence-core from ${relative(root, core)}; timer overhead ${env.timerOverheadNs} ns (subtracted)`,
)
console.log(
  core.endsWith('.ts')
    ? '  (the TypeScript source through tsx, whose keepNames wrapping slows every closure it makes: figures for a quick look only)'
    : '  (the built dist, as users install it)',
)

if (benches.length === 0) {
  console.error(`no bench matches ${filters.join(', ')}`)
  process.exitCode = 1
}
for (const file of benches) {
  const bench = (await import(new URL(file, here).href)) as BenchModule
  console.log(`\n━━ ${file}: ${bench.title} ━━\n`)
  await bench.run()
}
