// Adds up vitest JSON reports and prints one closing line, "tests: N passed, N failed, N skipped",
// so a reader (or CI) sees the whole run at a glance. By default the report of every workspace
// package (`.vitest-report.json`); given a folder, every `*.json` report in it (other runtimes).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const folder = process.argv[2]
const files = folder
  ? readdirSync(resolve(folder))
      .filter((name) => name.endsWith('.json'))
      .map((name) => join(resolve(folder), name))
  : ['packages', 'examples']
      .filter((group) => existsSync(join(root, group)))
      .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
      .map((dir) => join(dir, '.vitest-report.json'))
let passed = 0
let failed = 0
let skipped = 0
for (const file of files) {
  if (!existsSync(file)) continue
  const report = JSON.parse(readFileSync(file, 'utf8'))
  passed += report.numPassedTests
  failed += report.numFailedTests
  skipped += report.numPendingTests + report.numTodoTests
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exitCode = failed > 0 || passed === 0 ? 1 : 0
