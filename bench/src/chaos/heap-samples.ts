/**
 * Heap samples for soaks: the heap in use right after a full GC — what is still reachable, not
 * what happens to be allocated — in this process, and in a child that answers `{type: 'memory'}`
 * with its own `process.memoryUsage()` after a GC (realtime-server-process.ts does). Growth is
 * compared between two windows of the run, each the median of its samples, so a sample taken while
 * a burst of messages was being handled does not decide it on its own.
 */
import type { ChildProcess } from 'node:child_process'
import { next } from '../child-processes.js'
import { collectGarbage } from '../harness.js'

export interface HeapSample {
  /** Milliseconds since the run started. */
  readonly atMs: number
  readonly bytes: number
}

/** This process's heap after a full GC (needs --expose-gc: the chaos runner has it). */
export function ownHeapBytes(): number {
  collectGarbage()
  return process.memoryUsage().heapUsed
}

/** `child`'s heap after a full GC in it. */
export async function childHeapBytes(child: ChildProcess): Promise<number> {
  child.send({ type: 'memory' })
  const { usage } = await next<{ usage: NodeJS.MemoryUsage }>(child, 'memory', 10_000)
  return usage.heapUsed
}

export interface HeapGrowth {
  /** Median of the samples in the window right after the warm-up. */
  readonly baseline: number
  /** Median of the samples in the last window of the run. */
  readonly final: number
  /** Samples in each window. */
  readonly counts: readonly [number, number]
}

/** The median of each tenth of the run, in MB: the heap's course at a glance. */
export function heapCourse(samples: readonly HeapSample[], endMs: number): string {
  const tenths = Array.from({ length: 10 }, (_, i) =>
    samples.filter((s) => s.atMs >= (i * endMs) / 10 && s.atMs < ((i + 1) * endMs) / 10),
  )
  return tenths
    .map((tenth) => (tenth.length ? (median(tenth.map((s) => s.bytes)) / 2 ** 20).toFixed(2) : '–'))
    .join(' ')
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * Growth from the window [warmupEnd, warmupEnd + window) to the last window
 * [end − window, end] of `samples` (times in ms since the start).
 */
export function heapGrowth(
  samples: readonly HeapSample[],
  warmupEndMs: number,
  endMs: number,
  windowMs: number,
): HeapGrowth {
  const after = samples.filter((s) => s.atMs >= warmupEndMs && s.atMs < warmupEndMs + windowMs)
  const last = samples.filter((s) => s.atMs >= endMs - windowMs)
  if (after.length === 0 || last.length === 0)
    throw new Error(`too few heap samples (${after.length} after the warm-up, ${last.length} last)`)
  return {
    baseline: median(after.map((s) => s.bytes)),
    final: median(last.map((s) => s.bytes)),
    counts: [after.length, last.length],
  }
}
