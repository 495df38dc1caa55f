/**
 * Dependency rules behind `pnpm deps` (part of `pnpm test`): no import cycles, and the package
 * direction core ← supabase, react, server ← coordination, with testing (for tests only),
 * examples and bench at the edge. Workspace packages resolve to their source through the
 * `@wedsync/source` export condition, so the rules speak of paths under packages/, examples/, bench/.
 */

// Tests and their helpers: `*.test.ts(x)`, a package's test/ folder, and (until every package has
// moved them) `src/test-*.ts` helpers. They may use presence-testing, a devDependency.
const TEST = '(\\.test\\.tsx?$|^packages/[^/]+/test/|^packages/[^/]+/src/test-[^/]+$)'
/** The tests and test helpers of one package. */
const TESTS_OF = (pkg) => `^packages/${pkg}/(.*\\.test\\.tsx?$|test/|src/test-[^/]+$)`
// A package's own code: its src/ and test/ folders (its examples/ and scripts/ are runnable docs
// and tools, checked for cycles only).
const CODE = (pkg) => `^packages/${pkg}/(src|test)/`
// Anything in the workspace; a workspace import that could not be resolved keeps its name.
const WORKSPACE = '^(packages/|examples/|bench/|@wedsync/)'
// Files of these packages, resolved or not (an unresolved `@wedsync/x` import keeps its name).
const PACKAGES = (...names) =>
  names.flatMap((name) => [`^packages/${name}/`, `^@wedsync/${name}($|/)`])

/**
 * Code of `pkg` may import only its own files, those of `allowed`, and presence-testing (which
 * only its tests may use: see no-testing-in-production).
 */
function direction(pkg, allowed, comment, testsAlsoReach = []) {
  const rule = (name, from, reach) => ({
    name,
    comment,
    severity: 'error',
    from,
    to: { path: WORKSPACE, pathNot: PACKAGES(pkg, ...reach, 'presence-testing') },
  })
  const name = `direction-${pkg.replace('presence-', '')}`
  if (testsAlsoReach.length === 0) return [rule(name, { path: CODE(pkg) }, allowed)]
  return [
    rule(name, { path: CODE(pkg), pathNot: TEST }, allowed),
    rule(`${name}-tests`, { path: TESTS_OF(pkg) }, [...allowed, ...testsAlsoReach]),
  ]
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'No import cycles, type-only imports included: a cycle of types still ties the modules ' +
        'together, so neither can be read, tested or moved alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...direction('presence-core', [], 'presence-core imports no other workspace package.'),
    ...direction(
      'presence-react',
      ['presence-core'],
      'presence-react builds on presence-core only.',
    ),
    ...direction(
      'presence-server',
      ['presence-core'],
      'presence-server builds on presence-core only.',
    ),
    ...direction(
      'presence-supabase',
      ['presence-core', 'presence-server'],
      'presence-supabase builds on presence-core; its ./server entry may use presence-server ' +
        '(an optional peer). The main entry may not: see supabase-main-entry. Its adversarial ' +
        'end-to-end test also attacks the notification endpoint (presence-coordination, a ' +
        'devDependency) over the real transport.',
      ['presence-coordination'],
    ),
    ...direction(
      'presence-coordination',
      ['presence-core', 'presence-server'],
      'presence-coordination builds on presence-server and presence-core.',
    ),
    ...direction(
      'presence-testing',
      ['presence-core'],
      'presence-testing builds on presence-core.',
    ),
    {
      name: 'supabase-main-entry',
      comment:
        "presence-supabase's main entry is the transport alone: installing it must not bring in " +
        'presence-server, jose or ical.js (type-only imports count: its .d.ts would need them).',
      severity: 'error',
      from: { path: '^packages/presence-supabase/src/index\\.ts$' },
      to: {
        reachable: true,
        path: [...PACKAGES('presence-server'), '(^|/)node_modules/(jose|ical\\.js)/'],
      },
    },
    {
      name: 'no-testing-in-production',
      comment:
        'presence-testing is a devDependency: only tests and their helpers (and examples, bench) ' +
        'may import it.',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/', pathNot: ['^packages/presence-testing/', TEST] },
      to: { path: PACKAGES('presence-testing') },
    },
    {
      name: 'no-examples-or-bench-in-packages',
      comment: 'Nothing in packages/ imports the examples or the benchmarks.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^(examples|bench)/' },
    },
    {
      name: 'no-relative-cross-package',
      comment:
        "A package reaches another only by its name and exports map, never another's files by " +
        'a relative path (tests included). Shared root tooling (vitest.shared.ts, scripts/) is ' +
        'no package.',
      severity: 'error',
      from: { path: '^((packages|examples)/[^/]+|bench)/' },
      to: {
        dependencyTypes: ['local'],
        path: '^((packages|examples)/[^/]+|bench)/',
        pathNot: '^$1/',
      },
    },
    {
      name: 'no-unresolved-workspace-import',
      comment:
        "A workspace import must resolve through the importing package's own dependencies and " +
        "the target's exports map: not through a test alias, nor into another package's src/.",
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, path: '^@wedsync/' },
    },
    {
      name: 'no-unresolved-relative-import',
      comment: 'A relative import that resolves to no file.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, path: '^\\.' },
    },
  ],
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    // Build output and the packages' own node_modules links are not source. (Dependencies resolve
    // into the root node_modules/.pnpm, kept as leaves, so the rules can name them.)
    exclude: {
      path: '^(packages/[^/]+/|examples/[^/]+/|bench/)(node_modules|dist|coverage|\\.turbo)/',
    },
    // Type-only imports are dependencies too (see no-circular).
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      // Workspace packages resolve to their source, as tests and typecheck resolve them.
      conditionNames: ['@wedsync/source', 'import', 'require', 'node', 'default'],
      exportsFields: ['exports'],
      mainFields: ['module', 'main', 'types'],
      extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.d.ts'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
}
