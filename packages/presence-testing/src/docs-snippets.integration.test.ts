/**
 * The README's first snippet, and every docs snippet marked `<!-- runnable -->`, run as written: each
 * is extracted at test time, written to a file inside this package (so workspace packages resolve,
 * from source) and run with tsx in a child process, which must exit 0 with nothing on stderr. tsx
 * strips types without checking them, so the snippets are also type-checked, with the repository's
 * strict settings, as a user's editor would check them.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { firstTsSnippet, repoSnippets, runnableSnippets } from '../test/docs-snippets.js'

const PACKAGE = fileURLToPath(new URL('..', import.meta.url))
const ROOT = join(PACKAGE, '..', '..')
const run = promisify(execFile)

async function runSnippet(code: string): Promise<{ stdout: string; stderr: string }> {
  const dir = await mkdtemp(join(PACKAGE, '.snippet-'))
  try {
    const file = join(dir, 'snippet.ts')
    await writeFile(file, code)
    // A failure bound for a hung snippet, not a timing assertion.
    return await run(process.execPath, ['--conditions=@wedsync/source', '--import', 'tsx', file], {
      cwd: PACKAGE,
      timeout: 60_000,
      env: { ...process.env, NODE_OPTIONS: '' },
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Type-checks the snippets together, one file each; returns tsc's report ('' when clean). */
async function typeCheck(snippets: readonly { code: string }[]): Promise<string> {
  const dir = await mkdtemp(join(PACKAGE, '.snippet-types-'))
  try {
    await Promise.all(
      snippets.map((snippet, i) => writeFile(join(dir, `snippet-${i}.ts`), snippet.code)),
    )
    const tsconfig = {
      extends: '../tsconfig.json',
      // DOM: the README's snippet makes a DOM activity source, as a browser app would.
      compilerOptions: { lib: ['ES2023', 'DOM'], noEmit: true },
      include: ['*.ts'],
    }
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig))
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
    return await run(process.execPath, [tsc, '-p', dir], { cwd: PACKAGE, timeout: 120_000 }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

describe('docs snippets', () => {
  it('type-checks every runnable snippet (strict, as in the repository)', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
    const snippets = [{ code: firstTsSnippet(readme) ?? '' }, ...repoSnippets(ROOT).slice(1)]
    expect(snippets[0]?.code).toContain('createPresenceClient')
    expect(await typeCheck(snippets)).toBe('')
  })

  it("marks the README's first TypeScript snippet runnable", async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
    const [first] = runnableSnippets(readme, 'README.md')
    expect(first?.code).toBe(firstTsSnippet(readme))
  })

  it("runs the README's first snippet to the broadcast report", async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
    const { stdout, stderr } = await runSnippet(firstTsSnippet(readme) ?? '')
    expect(stderr).toBe('')
    // delivered, noReceipt, notPresent: Priya is alone in the room, so nobody is in any of them.
    expect(stdout).toContain('[] [] []')
  })

  for (const snippet of repoSnippets(ROOT).slice(1)) {
    it(`runs ${snippet.where}`, async () => {
      const { stderr } = await runSnippet(snippet.code)
      expect(stderr).toBe('')
    })
  }
})
