// Fails unless every built JavaScript file starts with the 'use client' directive, so the hooks
// keep working in Next.js App Router client components (bundlers drop directives by default).
import { readdirSync, readFileSync } from 'node:fs'

const dist = new URL('../dist/', import.meta.url)
const files = readdirSync(dist).filter((f) => /\.(c|m)?js$/.test(f))
const missing = files.filter(
  (f) => !/^['"]use client['"];?\s/.test(readFileSync(new URL(f, dist), 'utf8')),
)
if (files.length === 0 || missing.length > 0) {
  console.error(`'use client' missing at the top of: ${missing.join(', ') || 'dist (no files)'}`)
  process.exitCode = 1
} else {
  console.log(`'use client' heads ${files.join(', ')}`)
}
