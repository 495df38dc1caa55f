/**
 * The chaos suite's runner: `pnpm chaos` runs every `*.scenario.ts` in this folder in name order,
 * `pnpm chaos --quick` only the quick subset (what `.ci/run` runs), `pnpm chaos <words>` those whose
 * file name contains a word. Prints each scenario's checks (figure against bound), writes them to
 * `bench/results/chaos.json`, and exits 1 if any bound was missed or any scenario threw.
 */
import { readdirSync } from 'node:fs'
import { environment, printTable, writeResults } from '../harness.js'
import type { Check, Scenario } from './scenario.js'

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const filters = args.filter((arg) => !arg.startsWith('--'))
const here = new URL('./', import.meta.url)
const files = readdirSync(here)
  .filter((f) => f.endsWith('.scenario.ts'))
  .filter((f) => filters.length === 0 || filters.some((word) => f.includes(word)))
  .sort()

interface Outcome {
  readonly file: string
  readonly title: string
  readonly seconds: number
  readonly checks: readonly Check[]
  readonly error?: string
}

const env = environment()
console.log(`chaos${quick ? ' (quick subset)' : ''}: node ${env.node}, ${env.cpu} × ${env.cpus}`)
const outcomes: Outcome[] = []
for (const file of files) {
  const { scenario } = (await import(new URL(file, here).href)) as { scenario: Scenario }
  if (quick && !scenario.quick) continue
  console.log(`\n━━ ${file}: ${scenario.title} ━━\n`)
  const started = performance.now()
  let checks: Check[] = []
  let error: string | undefined
  try {
    checks = await scenario.run({ quick })
  } catch (thrown) {
    error = thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown)
  }
  const seconds = (performance.now() - started) / 1_000
  if (checks.length > 0)
    printTable(
      ['figure', 'measured', 'bound', ''],
      checks.map((c) => [c.figure, c.measured, c.bound, c.met ? 'met' : 'MISSED']),
    )
  if (error) console.log(`FAILED: ${error}`)
  console.log(`(${seconds.toFixed(1)} s)`)
  outcomes.push({ file, title: scenario.title, seconds, checks, ...(error && { error }) })
}

const missed = outcomes.flatMap((o) =>
  o.error
    ? [`${o.file}: threw`]
    : o.checks.filter((c) => !c.met).map((c) => `${o.file}: ${c.figure}`),
)
const total = outcomes.reduce((sum, o) => sum + o.seconds, 0)
console.log(
  `\nchaos: ${outcomes.length} scenarios, ${outcomes.reduce((n, o) => n + o.checks.length, 0)} checks, ` +
    `${missed.length} missed, ${total.toFixed(0)} s`,
)
for (const line of missed) console.log(`  MISSED ${line}`)
console.log(`results: ${writeResults(quick ? 'chaos-quick' : 'chaos', { outcomes })}`)
if (outcomes.length === 0) {
  console.error(`no scenario matches ${filters.join(', ') || '(none)'}`)
  process.exitCode = 1
}
if (missed.length > 0) process.exitCode = 1
// Child processes, sockets or servers a failed scenario left behind must not keep the run alive.
process.exit()
