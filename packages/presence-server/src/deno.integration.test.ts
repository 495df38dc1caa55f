/**
 * presence-server and presence-core under real Deno (the `deno` binary published on the npm
 * registry, fetched by scripts/runtimes.sh), on the built packages as an app would install them:
 * the Supabase Edge Function recipe (examples/supabase-edge/index.ts, unchanged) served by
 * `Deno.serve` against the local Postgres, and two core clients over the in-memory hub
 * (test/deno/core.deno.ts). Needs `pnpm build` first; the test command builds before testing.
 *
 * Deno runs the files with `--no-check`, as the Edge runtime deploys them: its type checker cannot
 * follow tsup's `.d.ts` chunk imports when the packages are loaded as local files (tsc checks the
 * same code in `pnpm typecheck`).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createFakeClock } from '@wedsync/presence-testing'
import { afterAll, describe, expect, it } from 'vitest'
import {
  DATABASE_URL,
  dropSchema,
  SECRET,
  schemaName,
  testPool,
  tokenFor,
} from '../test/support.js'

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url))
const DENO = path('../../../.runtimes/deno/deno')
const CONFIG = path('../test/deno/deno.json')
const BUILT = ['../dist/index.js', '../dist/postgres.js', '../../presence-core/dist/index.js']

const admin = testPool(1)
const schema = schemaName('deno')
afterAll(async () => {
  await dropSchema(admin, schema)
  await admin.end()
})

function deno(args: string[], env: Record<string, string> = {}): ChildProcess {
  expect(existsSync(DENO), `${DENO} is missing: run bash scripts/runtimes.sh`).toBe(true)
  for (const file of BUILT) expect(existsSync(path(file)), `${file}: run pnpm build`).toBe(true)
  return spawn(DENO, args, {
    cwd: path('../test/deno'),
    // Plain output to read: Deno colours it whenever FORCE_COLOR is set at all (CI sets it to 0).
    env: { ...withoutForceColor(process.env), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

function withoutForceColor(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _ignored, ...rest } = env
  return rest
}

/** Everything the process writes, and a promise of its exit code. */
function capture(child: ChildProcess): { output: () => string; exited: Promise<number | null> } {
  let output = ''
  child.stdout?.on('data', (chunk) => (output += chunk))
  child.stderr?.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { output: () => output, exited }
}

/** Resolves with the URL `Deno.serve` prints once it listens; rejects if the process ends first. */
function listening(child: ChildProcess, captured: ReturnType<typeof capture>): Promise<string> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const found = /Listening on (http:\/\/[^\s/]+)/.exec(captured.output())
      if (found) resolve(found[1]!)
    }
    child.stdout?.on('data', look)
    child.stderr?.on('data', look)
    void captured.exited.then((code) =>
      reject(new Error(`deno exited (${code}) before listening:\n${captured.output()}`)),
    )
  })
}

describe('Deno', () => {
  it('serves the Supabase Edge Function recipe: health, auth, a status update, last seen', async () => {
    const child = deno(
      [
        'run',
        '--allow-all',
        '--no-check',
        '--config',
        CONFIG,
        '../../examples/supabase-edge/index.ts',
      ],
      {
        // Where `Deno.serve` listens (Supabase's Edge runtime chooses it for the function).
        DENO_SERVE_ADDRESS: 'tcp:127.0.0.1:0',
        SUPABASE_DB_URL: DATABASE_URL,
        SUPABASE_JWT_SECRET: SECRET,
        PRESENCE_SCHEMA: schema,
      },
    )
    const captured = capture(child)
    try {
      const origin = await listening(child, captured)
      const base = `${origin}/presence-api`
      const clock = createFakeClock(Date.now())
      const as = async (userId: string) => ({
        authorization: `Bearer ${await tokenFor(userId, clock)}`,
        'content-type': 'application/json',
      })

      const health = await fetch(`${base}/health`)
      expect(health.status).toBe(200)
      expect(await health.json()).toMatchObject({ status: 'ok' })
      expect((await fetch(`${base}/presence/settings`)).status).toBe(401)

      const update = await fetch(`${base}/presence/status`, {
        method: 'POST',
        headers: await as('u-ana'),
        body: JSON.stringify({ status: 'busy' }),
      })
      expect(update.status).toBe(200)
      const seen = await fetch(`${base}/presence/last-seen?userIds=u-ana`, {
        headers: await as('u-ben'),
      })
      expect((await seen.json()).users[0].status).toBe('busy')

      // The function wrote to the project database, in its schema.
      const { rows } = await admin.query(
        `select user_id, last_status from "${schema}".user_last_seen`,
      )
      expect(rows).toEqual([{ user_id: 'u-ana', last_status: 'busy' }])
    } finally {
      child.kill('SIGTERM')
      await captured.exited
    }
  }, 120_000)

  it('runs presence-core: two clients over the in-memory hub, a vanished one offline by lease', async () => {
    const child = deno(['test', '--allow-all', '--no-check', '--config', CONFIG, 'core.deno.ts'])
    const captured = capture(child)
    const code = await captured.exited
    expect(captured.output()).toMatch(/ok \| 1 passed \| 0 failed/)
    expect(code).toBe(0)
  }, 120_000)
})
