// Checks, in the package of the working directory (after its build), that every entry whose
// exports map offers a `require` condition can be require()d, and that every entry without one is
// refused by require() as not exported (so no entry offers CommonJS that can only throw).
//   node ../../scripts/check-require.mjs     (from a package; part of its check:package)
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const manifestPath = join(process.cwd(), 'package.json')
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
const require = createRequire(manifestPath)
const failures = []
let checked = 0

for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
  if (subpath.includes('*') || subpath === './package.json' || typeof target !== 'object') continue
  const specifier = subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`
  checked++
  try {
    require(specifier)
    if (!('require' in target)) failures.push(`${specifier}: require() works but is not offered`)
  } catch (error) {
    const notExported = error?.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED'
    if ('require' in target || !notExported) {
      failures.push(`${specifier}: require() fails: ${String(error?.message).split('\n')[0]}`)
    }
  }
}

if (failures.length > 0) {
  console.error(`require() check of ${manifest.name} failed:\n  ${failures.join('\n  ')}`)
  process.exit(1)
}
console.log(
  `require() check of ${manifest.name}: ${checked} entries, each requireable or not offered`,
)
