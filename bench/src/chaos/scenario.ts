/**
 * What a chaos scenario is and how it reports: each scenario breaks something on purpose and
 * returns checks, one figure each against its bound. A check is `met` or not; the runner fails the
 * run if any is not. Bounds are the promises (a ghost gone within the lease, every room
 * back within 30 s, nothing lost), never tuned to what this machine happens to reach.
 */

export interface Check {
  /** What was measured, in a user's words: "a killed client shown offline". */
  readonly figure: string
  /** The figure as printed: "412 ms", "0 lost of 40". */
  readonly measured: string
  /** The bound as printed: "≤ 30,000 ms". */
  readonly bound: string
  readonly met: boolean
  /** The raw number, for the results file. */
  readonly value?: number
}

export interface Scenario {
  /** One line: the fault and what must survive it. */
  readonly title: string
  /** In the quick subset that `.ci/run` runs (the whole subset at most 3 minutes). */
  readonly quick: boolean
  run(options: { readonly quick: boolean }): Promise<Check[]>
}

const integer = (value: number) => Math.round(value).toLocaleString('en-US')

/** A duration that must not exceed `boundMs`. */
export function withinMs(figure: string, valueMs: number, boundMs: number): Check {
  return {
    figure,
    measured: `${integer(valueMs)} ms`,
    bound: `≤ ${integer(boundMs)} ms`,
    met: valueMs <= boundMs,
    value: valueMs,
  }
}

/** A count that must not exceed `bound` (0: none may happen). */
export function atMost(figure: string, value: number, bound: number, unit = ''): Check {
  const suffix = unit ? ` ${unit}` : ''
  return {
    figure,
    measured: `${integer(value)}${suffix}`,
    bound: `≤ ${integer(bound)}${suffix}`,
    met: value <= bound,
    value,
  }
}

/** A value that must equal `expected` exactly (a status, a code, a count that must all arrive). */
export function equals(figure: string, value: string | number, expected: string | number): Check {
  return {
    figure,
    measured: String(value),
    bound: `= ${expected}`,
    met: value === expected,
    ...(typeof value === 'number' && { value }),
  }
}

/** A share that must not exceed `bound` (both 0–1), printed as percentages. */
export function shareAtMost(figure: string, share: number, bound: number): Check {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`
  return {
    figure,
    measured: pct(share),
    bound: `≤ ${pct(bound)}`,
    met: share <= bound,
    value: share,
  }
}
