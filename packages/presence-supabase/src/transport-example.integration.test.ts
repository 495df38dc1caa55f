/** The README's runnable transport example, examples/transport-board.mjs, on the local server. */
import { expect, it } from 'vitest'

it('examples/transport-board.mjs: the coordinator sees the photographer online, busy, then offline', async () => {
  const { run } = await import('../examples/transport-board.mjs')
  const lines: string[] = []
  await run({ log: (line: string) => lines.push(line) })
  expect(lines).toEqual([
    'Priya (photographer): online, viewing the timeline',
    'Priya (photographer): busy, viewing the timeline',
    'Priya (photographer): offline',
  ])
})
