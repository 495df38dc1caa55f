import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig, mergeConfig } from 'vitest/config'
import { packageTestConfig } from '../../vitest.shared.js'

const packageDir = (name: string) =>
  dirname(fileURLToPath(import.meta.resolve(`${name}/package.json`)))

// Every test runs twice: against React 19 (the `react` devDependency) and against React 18.3
// (the `react-18` / `react-dom-18` aliases). The second project points `react` and `react-dom`
// at the 18 copies for everything Vite loads; test/test-react-18.ts does the same for what Node
// requires inside react-dom 18 itself (pnpm links react-dom 18's `react` peer to React 19).
const react18 = packageDir('react-18')
const reactDom18 = packageDir('react-dom-18')

export default mergeConfig(
  packageTestConfig(),
  defineConfig({
    test: {
      include: ['src/**/*.test.{ts,tsx}'],
      environment: 'happy-dom',
      projects: [
        { extends: true, test: { name: 'react-19', env: { REACT_MAJOR: '19' } } },
        {
          extends: true,
          resolve: {
            alias: [
              { find: /^react-dom(\/.*)?$/, replacement: `${reactDom18}$1` },
              { find: /^react(\/.*)?$/, replacement: `${react18}$1` },
            ],
          },
          test: {
            name: 'react-18',
            env: { REACT_MAJOR: '18' },
            setupFiles: ['./test/test-react-18.ts'],
            // Transformed by Vite, so the aliases above apply to its imports of react-dom.
            server: { deps: { inline: ['@testing-library/react'] } },
          },
        },
      ],
    },
  }),
)
