/**
 * Finds the runnable snippets of the repo's Markdown: a ```ts fence right after a
 * `<!-- runnable ... -->` comment. The text is taken as written, so the test runs what users read.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

export interface DocSnippet {
  /** Where it is, for the test's name: `README.md:12` (the line of its opening fence). */
  readonly where: string
  readonly code: string
}

const MARKER = /^<!--\s*runnable\b/

/** The runnable snippets of one Markdown text, in order. */
export function runnableSnippets(markdown: string, file: string): DocSnippet[] {
  const lines = markdown.split('\n')
  const snippets: DocSnippet[] = []
  for (let i = 0; i < lines.length; i++) {
    if (!MARKER.test(lines[i] ?? '')) continue
    let open = i + 1
    while (open < lines.length && lines[open]?.trim() === '') open++
    if (!/^```(ts|typescript)\s*$/.test(lines[open] ?? '')) {
      throw new Error(`${file}:${i + 1}: a runnable marker must precede a \`\`\`ts fence`)
    }
    const close = lines.findIndex((line, at) => at > open && line.startsWith('```'))
    if (close < 0) throw new Error(`${file}:${open + 1}: the fence never closes`)
    snippets.push({
      where: `${file}:${open + 1}`,
      code: `${lines.slice(open + 1, close).join('\n')}\n`,
    })
    i = close
  }
  return snippets
}

/** The first ```ts fence of a Markdown text, marked or not. */
export function firstTsSnippet(markdown: string): string | undefined {
  const match = /^```(?:ts|typescript)\s*\n([\s\S]*?)^```/m.exec(markdown)
  return match?.[1]
}

/** The runnable snippets of the root README and of every docs/*.md, relative to `root`. */
export function repoSnippets(root: string): DocSnippet[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join(root, 'docs', name))
  return [join(root, 'README.md'), ...docs].flatMap((path) =>
    runnableSnippets(readFileSync(path, 'utf8'), relative(root, path)),
  )
}
