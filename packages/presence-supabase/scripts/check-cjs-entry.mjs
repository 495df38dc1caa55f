// Fails unless `require('@wedsync/presence-supabase')` on the built package loads none of the
// server side (presence-server, jose, ical.js, full zod; core's zod/mini is expected), while
// `require('@wedsync/presence-supabase/server')` does load presence-server, so the check can see
// it. Each require runs in a fresh Node process that lists what it loaded; run after the build
// (check:package depends on build in turbo.json).
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const SERVER_SIDE = {
  'presence-server': /presence-server/,
  jose: /[\\/]jose[\\/]/,
  'ical.js': /[\\/]ical\.js[\\/]/,
  'full zod': /[\\/]zod[\\/]v4[\\/]classic[\\/]/,
}

/** The files a fresh Node process holds in require.cache after requiring `specifier`. */
function loadedBy(specifier) {
  const script = `require(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(require.cache)))`
  try {
    const output = execFileSync(process.execPath, ['-e', script], {
      cwd: packageDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    return JSON.parse(output.trim().split('\n').at(-1))
  } catch (error) {
    console.error(`require('${specifier}') failed (is the package and its dependencies built?)`)
    console.error(error.stderr || error.message)
    process.exit(1)
  }
}

const failures = []
const main = loadedBy('@wedsync/presence-supabase')
if (!main.some((file) => /presence-supabase[\\/]dist[\\/]index\.cjs$/.test(file))) {
  failures.push(`the main entry did not resolve to dist/index.cjs:\n  ${main.join('\n  ')}`)
}
for (const [name, pattern] of Object.entries(SERVER_SIDE)) {
  const files = main.filter((file) => pattern.test(file))
  if (files.length > 0) failures.push(`the main entry loads ${name}:\n  ${files.join('\n  ')}`)
}
const server = loadedBy('@wedsync/presence-supabase/server')
if (!server.some((file) => SERVER_SIDE['presence-server'].test(file))) {
  failures.push('the ./server entry does not load presence-server: this check cannot see it')
}

if (failures.length > 0) {
  console.error(failures.join('\n'))
  process.exitCode = 1
} else {
  console.log(
    `require('@wedsync/presence-supabase') loads ${main.length} files, none of ${Object.keys(SERVER_SIDE).join(', ')}`,
  )
}
