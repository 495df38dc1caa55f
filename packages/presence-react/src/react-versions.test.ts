// Each test project runs the suite against the React it names: this guards the aliases, and the
// require hook that gives react-dom 18 its own React (see vitest.config.ts).
import { createRequire } from 'node:module'
import { version as reactVersion } from 'react'
import { version as reactDomVersion } from 'react-dom'
import { version as serverVersion } from 'react-dom/server'
import { expect, it } from 'vitest'

it('runs against the React major of its project, in every copy that loads', () => {
  const major = process.env.REACT_MAJOR
  expect(reactVersion.split('.')[0]).toBe(major)
  expect(reactDomVersion).toBe(reactVersion)
  expect(serverVersion).toBe(reactVersion)
  // What react-dom itself gets when it requires React.
  const require = createRequire(import.meta.url)
  const reactDom = require.resolve('react-dom')
  expect((createRequire(reactDom)('react') as { version: string }).version).toBe(reactVersion)
})
