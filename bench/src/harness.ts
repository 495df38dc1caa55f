/**
 * Timing and printing helpers shared by the benches. A measured step times only its own operation
 * (with `process.hrtime.bigint`) and returns those nanoseconds, so untimed work that restores the
 * state between steps stays out of the figure. Figures are medians of several batches.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { arch, cpus, platform } from 'node:os'
import { dirname, join } from 'node:path'

const hrtime = process.hrtime

/** The current time in nanoseconds, for timing one operation inside a step. */
export function clock(): bigint {
  return hrtime.bigint()
}

/** Runs a full collection so one case's garbage is not collected during the next case. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('run node with --expose-gc (the `bench` script does)')
  gc()
}

let overheadNs: number | undefined

/** The cost of one `clock()` pair, subtracted from every timed operation. */
export function timerOverheadNs(): number {
  if (overheadNs === undefined) {
    const samples: number[] = []
    for (let i = 0; i < 200_000; i++) {
      const start = clock()
      samples.push(Number(clock() - start))
    }
    overheadNs = median(samples)
  }
  return overheadNs
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export interface MeasureOptions {
  /** Wall time spent warming up before the batches. Default 500 ms. */
  readonly warmupMs?: number
  /** Number of batches; the result is their median. Default 11. */
  readonly batches?: number
  /**
   * Timed nanoseconds each batch aims for. Default 100 ms: long enough that every batch holds
   * many young-generation collections, so each batch carries its share of GC. (With batches as
   * short as the interval between collections, the median keeps the batches without one.)
   */
  readonly batchNs?: number
  /** Upper bound on steps per batch. Default 200,000. */
  readonly maxIterations?: number
}

export interface Measurement {
  /** Median over the batches of the mean timed ns per step, timer overhead removed. */
  readonly nsPerOp: number
  readonly iterations: number
  /** ns/op of each batch. */
  readonly batches: readonly number[]
  /** (max − min) / median over the batches: how noisy the figure is. */
  readonly spread: number
}

/**
 * Measures `step`, which performs one operation and returns the nanoseconds that operation took
 * (measured with `clock()`). Warms up, sizes the batches from the warm-up, collects garbage first.
 */
export function measure(step: () => bigint, options: MeasureOptions = {}): Measurement {
  const { warmupMs = 500, batches = 11, batchNs = 100e6, maxIterations = 200_000 } = options
  const overhead = timerOverheadNs()
  collectGarbage()
  const warmupEnd = clock() + BigInt(Math.round(warmupMs * 1e6))
  let warmupTimed = 0n
  let warmupSteps = 0
  while (warmupSteps < 3 || clock() < warmupEnd) {
    warmupTimed += step()
    warmupSteps++
  }
  const estimate = Math.max(1, Number(warmupTimed) / warmupSteps - overhead)
  const iterations = Math.max(1, Math.min(maxIterations, Math.round(batchNs / estimate)))
  // No collection between the warm-up and the batches: right after a forced full collection,
  // allocation-heavy code (the supabase-js way) ran about 2× slower for seconds.
  const perBatch: number[] = []
  for (let b = 0; b < batches; b++) {
    let timed = 0n
    for (let i = 0; i < iterations; i++) timed += step()
    perBatch.push(Math.max(0, Number(timed) / iterations - overhead))
  }
  const nsPerOp = median(perBatch)
  const spread = nsPerOp > 0 ? (Math.max(...perBatch) - Math.min(...perBatch)) / nsPerOp : 0
  return { nsPerOp, iterations, batches: perBatch, spread }
}

export interface AsyncMeasurement extends Measurement {
  /**
   * Median over the batches of the process CPU time (user + system, every thread: WebCrypto's
   * thread pool and the GC helpers included) per step, in ns. Untimed work inside a step counts.
   */
  readonly cpuNsPerOp: number
  readonly cpuBatches: readonly number[]
}

export interface AsyncMeasureOptions extends MeasureOptions {
  /**
   * Most steps each peer may take, warm-up included, for steps that use up inputs prepared
   * beforehand. At most a quarter of them go to the warm-up.
   */
  readonly maxSteps?: readonly number[]
}

/**
 * `measure` for peers whose step completes asynchronously (it resolves to the ns its operation
 * took, measured with `clock()`), one step at a time, with the peers' batches interleaved: batch 1
 * of each peer, then batch 2 of each, and so on, so a change in the machine's load (other
 * processes on the same cores) reaches every peer alike. Each batch also records the process's CPU
 * time, which is what work handed to other threads costs. Collects garbage first; each peer warms
 * up and sizes its batches (about `batchNs` of timed work) on its own.
 */
export async function measureAsyncPeers(
  steps: readonly (() => Promise<bigint>)[],
  options: AsyncMeasureOptions = {},
): Promise<AsyncMeasurement[]> {
  const { warmupMs = 500, batches = 11, batchNs = 100e6, maxIterations = 200_000 } = options
  const overhead = timerOverheadNs()
  collectGarbage()
  const iterations: number[] = []
  for (const [p, step] of steps.entries()) {
    const maxSteps = options.maxSteps?.[p] ?? Number.POSITIVE_INFINITY
    const warmupEnd = clock() + BigInt(Math.round(warmupMs * 1e6))
    let warmupTimed = 0n
    let warmupSteps = 0
    while (warmupSteps < 3 || (clock() < warmupEnd && warmupSteps < maxSteps / 4)) {
      warmupTimed += await step()
      warmupSteps++
    }
    const estimate = Math.max(1, Number(warmupTimed) / warmupSteps - overhead)
    const left = Math.floor((maxSteps - warmupSteps) / batches)
    iterations.push(Math.max(1, Math.min(maxIterations, left, Math.round(batchNs / estimate))))
  }
  const wall: number[][] = steps.map(() => [])
  const cpu: number[][] = steps.map(() => [])
  for (let b = 0; b < batches; b++) {
    for (const [p, step] of steps.entries()) {
      const n = iterations[p]!
      let timed = 0n
      const before = process.cpuUsage()
      for (let i = 0; i < n; i++) timed += await step()
      const used = process.cpuUsage(before)
      wall[p]!.push(Math.max(0, Number(timed) / n - overhead))
      cpu[p]!.push(((used.user + used.system) * 1e3) / n)
    }
  }
  return steps.map((_, p) => {
    const perBatch = wall[p]!
    const nsPerOp = median(perBatch)
    const spread = nsPerOp > 0 ? (Math.max(...perBatch) - Math.min(...perBatch)) / nsPerOp : 0
    return {
      nsPerOp,
      iterations: iterations[p]!,
      batches: perBatch,
      spread,
      cpuNsPerOp: median(cpu[p]!),
      cpuBatches: cpu[p]!,
    }
  })
}

/**
 * Runs a whole scenario `repeats` times (each returns its timed nanoseconds, e.g. a join storm
 * from an empty room) after a collection and `warmups` untimed runs; returns the median.
 */
export function measureRuns(
  run: () => bigint,
  repeats: number,
  warmups = 1,
): { ns: number; runs: number[] } {
  collectGarbage()
  for (let i = 0; i < warmups; i++) run()
  const runs: number[] = []
  for (let i = 0; i < repeats; i++) runs.push(Number(run()))
  return { ns: median(runs), runs }
}

/** A duration for people: `850 ns`, `2.41 µs`, `3.90 ms`, `1.25 s`. */
export function formatNs(ns: number): string {
  if (ns < 1e3) return `${ns.toFixed(0)} ns`
  if (ns < 1e6) return `${(ns / 1e3).toFixed(2)} µs`
  if (ns < 1e9) return `${(ns / 1e6).toFixed(2)} ms`
  return `${(ns / 1e9).toFixed(2)} s`
}

/** A ratio as `×12.3` (three significant digits, no exponent). */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '—'
  if (ratio >= 100) return `×${Math.round(ratio).toLocaleString('en-US')}`
  return `×${ratio.toPrecision(3)}`
}

/** Prints rows as a table: the first column left-aligned, the others right-aligned. */
export function printTable(headers: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  console.log(line(headers))
  console.log(widths.map((w) => '─'.repeat(w)).join('  '))
  for (const row of rows) console.log(line(row))
}

/** Where and on what the figures were taken, recorded with every result file. */
export function environment(): Record<string, string | number> {
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${platform()} ${arch()}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    timerOverheadNs: timerOverheadNs(),
    date: new Date().toISOString(),
  }
}

/** Writes `bench/results/<name>.json` (gitignored) and returns its path. */
export function writeResults(name: string, data: unknown): string {
  const dir = new URL('../results/', import.meta.url)
  mkdirSync(dir, { recursive: true })
  const file = new URL(`${name}.json`, dir)
  writeFileSync(
    file,
    `${JSON.stringify({ environment: environment(), ...(data as object) }, null, 2)}\n`,
  )
  return file.pathname
}

/**
 * The version of the package `name` that `from` resolves `entry` to, found by walking up from the
 * entry (some packages export no `package.json`).
 */
export function packageVersion(
  name: string,
  entry = name,
  from = createRequire(import.meta.url),
): string {
  let dir = dirname(from.resolve(entry))
  for (;;) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }
      if (pkg.name === name) return pkg.version ?? 'unknown'
    }
    if (dirname(dir) === dir) return 'unknown'
    dir = dirname(dir)
  }
}
