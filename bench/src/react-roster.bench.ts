/**
 * React roster: what one member's status change costs a page showing a room of 100 and 1,000
 * members: rows that each read their member with `useMember` (@wedsync/presence-react) against the
 * naive pattern (a list that copies the whole presence state on every change and re-renders every
 * row), and against no UI at all. Production React on a happy-dom document; writes
 * results/react-roster.json.
 */
import {
  clock,
  formatNs,
  formatRatio,
  type Measurement,
  measure,
  packageVersion,
  printTable,
  writeResults,
} from './harness.js'
import type { Pattern } from './react-roster-fixture.js'

export const title =
  'React roster: renders and time per status change, useMember rows vs naive list'

const SIZES = [100, 1_000] as const
const PATTERNS: readonly Pattern[] = ['room only', 'useMember rows', 'naive list']

interface Row {
  readonly size: number
  readonly pattern: Pattern
  readonly renders: number
  readonly time: Measurement
}

export async function run(): Promise<void> {
  const { document, restore } = await installDom()
  try {
    const { mount } = await import('./react-roster-fixture.js')
    console.log(
      `react ${packageVersion('react')} and react-dom ${packageVersion('react-dom')} (production builds), happy-dom ${packageVersion('happy-dom')}\n`,
    )
    const rows: Row[] = []
    for (const size of SIZES) {
      for (const pattern of PATTERNS) {
        const page = mount(pattern, size, document)
        let renders = 0
        let turn = 0
        // Each step changes the next member in turn: busy, then back online the next time round.
        const time = measure(() => {
          const before = page.renders()
          const start = clock()
          page.change(turn++ % size)
          const ns = clock() - start
          renders = page.renders() - before
          return ns
        })
        rows.push({ size, pattern, renders, time })
        page.unmount()
      }
    }
    report(rows)
  } finally {
    restore()
  }
}

function report(rows: readonly Row[]): void {
  const find = (size: number, pattern: Pattern) =>
    rows.find((r) => r.size === size && r.pattern === pattern)
  console.log('One status change in a room of N members (time: median of batches)\n')
  printTable(
    ['N', 'pattern', 'renders/change', 'time/change', 'spread', 'naive/this'],
    rows.map((r) => [
      r.size.toLocaleString('en-US'),
      r.pattern,
      String(r.renders),
      formatNs(r.time.nsPerOp),
      `${(r.time.spread * 100).toFixed(0)}%`,
      formatRatio((find(r.size, 'naive list')?.time.nsPerOp ?? Number.NaN) / r.time.nsPerOp),
    ]),
  )
  const largest = SIZES[SIZES.length - 1]!
  const ours = find(largest, 'useMember rows')
  console.log(
    `\nbar: one change re-renders one row of a ${largest.toLocaleString('en-US')}-member roster: ${
      ours?.renders === 1 ? 'met' : `missed (${ours?.renders} renders)`
    }`,
  )
  const file = writeResults('react-roster', {
    rows: rows.map((r) => ({
      size: r.size,
      pattern: r.pattern,
      rendersPerChange: r.renders,
      nsPerChange: r.time.nsPerOp,
      spread: r.time.spread,
      batches: r.time.batches,
    })),
  })
  console.log(`results: ${file}`)
}

/**
 * A document for react-dom from happy-dom, and production React, set up before React and the
 * hooks load (the hooks choose layout effects when a document exists). Returns what puts the
 * globals back, so the benches that run after this one see plain Node again.
 */
async function installDom() {
  const { Window } = await import('happy-dom')
  const window = new Window({ url: 'http://localhost/' })
  const globals = globalThis as Record<string, unknown>
  const saved = { window: globals.window, document: globals.document, env: process.env.NODE_ENV }
  globals.window = window
  globals.document = window.document
  process.env.NODE_ENV = 'production' // read once, when React loads
  const restore = () => {
    if (saved.window === undefined) delete globals.window
    else globals.window = saved.window
    if (saved.document === undefined) delete globals.document
    else globals.document = saved.document
    if (saved.env === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = saved.env
    void window.happyDOM.close()
  }
  return { document: window.document, restore }
}
