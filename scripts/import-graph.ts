/**
 * The static import graph of a package entry, read from source (no build): for each module
 * reached through relative imports, the specifiers it imports at run time (`import type` left
 * out). The entry-boundaries tests state a package's import rules on it.
 */
import { readFileSync } from 'node:fs'
import { posix } from 'node:path'

/**
 * Module (a path relative to `base`, as `./trust/proof.ts`) → the specifiers it imports, for the
 * entry and every module it reaches through relative imports.
 */
export function importGraph(entry: string, base: string | URL): Map<string, string[]> {
  const seen = new Map<string, string[]>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    const text = readFileSync(new URL(file, base), 'utf8')
    const specifiers = [...text.matchAll(/^(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)]
      .filter((m) => !/^(?:import|export)\s+type\s/.test(m[0]))
      .map((m) => m[1]!)
    seen.set(file, specifiers)
    for (const s of specifiers) if (isRelative(s)) visit(resolve(file, s))
  }
  visit(entry)
  return seen
}

/** Every specifier the graph imports from outside the package's own source. */
export function externalImports(graph: Map<string, string[]>): string[] {
  return [...graph.values()].flat().filter((s) => !isRelative(s))
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../')
}

/** `../errors.js` imported by `./trust/proof.ts` → `./errors.ts`. */
function resolve(from: string, specifier: string): string {
  const path = posix.normalize(posix.join(posix.dirname(from), specifier))
  return `./${path.replace(/\.js$/, '.ts')}`
}
