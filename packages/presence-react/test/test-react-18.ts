/**
 * Setup of the React 18 test project: Node's `require('react')` from inside react-dom 18 (which
 * pnpm links to React 19, the workspace's `react`) resolves to React 18 instead.
 */
import Module, { createRequire } from 'node:module'
import { dirname } from 'node:path'

type Resolve = (request: string, ...rest: unknown[]) => string
const loader = Module as unknown as { _resolveFilename: Resolve; __react18?: true }

if (!loader.__react18) {
  loader.__react18 = true
  const require = createRequire(import.meta.url)
  const dirs: Record<string, string> = {
    react: dirname(require.resolve('react-18/package.json')),
    'react-dom': dirname(require.resolve('react-dom-18/package.json')),
  }
  const resolve = loader._resolveFilename
  loader._resolveFilename = function (this: unknown, request, ...rest) {
    const match = /^(react|react-dom)(\/.*)?$/.exec(request)
    const target = match ? `${dirs[match[1]!]}${match[2] ?? ''}` : request
    return resolve.call(this, target, ...rest)
  }
}
