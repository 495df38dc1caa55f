/**
 * The test settings every package shares: source resolution through the `@wedsync/source`
 * export condition, the JSON report behind `pnpm test`'s closing line, and the coverage floor.
 */
import { defineConfig, type ViteUserConfig } from 'vitest/config'

export interface PackageTestOptions {
  /** Extra files to leave out of coverage (tests and test support are always left out). */
  readonly coverageExclude?: readonly string[]
  /** Set to false for packages with no coverage floor (examples). */
  readonly coverage?: boolean
}

export function packageTestConfig(options: PackageTestOptions = {}): ViteUserConfig {
  return defineConfig({
    resolve: {
      conditions: ['@wedsync/source'],
    },
    // Tests run in Vite's SSR environment, which reads its own conditions (defaults kept after ours).
    ssr: {
      resolve: { conditions: ['@wedsync/source', 'module', 'node', 'development|production'] },
    },
    test: {
      include: ['src/**/*.test.ts'],
      // Failure bounds, not timing assertions: a loaded 2-core CI machine may run slowly, and no
      // test here waits on wall time, so a generous bound only changes how long a hang takes to fail.
      testTimeout: 60_000,
      hookTimeout: 60_000,
      reporters: ['default', 'json'],
      outputFile: { json: '.vitest-report.json' },
      ...(options.coverage === false
        ? {}
        : {
            coverage: {
              provider: 'v8',
              include: ['src/**/*.ts'],
              exclude: [
                'src/**/*.test.ts',
                'src/test-*.ts',
                'src/**/index.ts',
                ...(options.coverageExclude ?? []),
              ],
              thresholds: { lines: 80, statements: 80, functions: 80, branches: 75 },
              reporter: ['text-summary', 'json-summary'],
            },
          }),
    },
  })
}
