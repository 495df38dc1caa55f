/**
 * Decides, per delivery, whether the network drops, duplicates or delays it. Random draws come
 * from the hub's seeded generator and are only made for faults that are switched on, so the same
 * seed and the same calls give the same outcome.
 */

export interface HubFaults {
  /** Probability in [0, 1] that a join, leave or broadcast delivery is lost. */
  readonly dropRate?: number
  /** Probability in [0, 1] that a delivery arrives twice. */
  readonly duplicateRate?: number
  /** Each copy of a delivery gets an extra random delay in [0, reorderWindowMs]. */
  readonly reorderWindowMs?: number
  /** Delay of every delivery, syncs and status changes included. */
  readonly latencyMs?: number
}

export interface FaultPlan {
  readonly latencyMs: number
  /** Delays of each copy of one droppable delivery; empty when it is dropped. */
  delays(): number[]
}

export function createFaultPlan(faults: HubFaults, random: () => number): FaultPlan {
  const dropRate = rate('dropRate', faults.dropRate)
  const duplicateRate = rate('duplicateRate', faults.duplicateRate)
  const reorderWindowMs = duration('reorderWindowMs', faults.reorderWindowMs)
  const latencyMs = duration('latencyMs', faults.latencyMs)
  return {
    latencyMs,
    delays() {
      if (dropRate > 0 && random() < dropRate) return []
      const copies = duplicateRate > 0 && random() < duplicateRate ? 2 : 1
      const delays: number[] = []
      for (let i = 0; i < copies; i++) {
        const jitter = reorderWindowMs > 0 ? Math.floor(random() * (reorderWindowMs + 1)) : 0
        delays.push(latencyMs + jitter)
      }
      return delays
    },
  }
}

function rate(name: string, value: number | undefined): number {
  if (value === undefined) return 0
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${value}`)
  return value
}

function duration(name: string, value: number | undefined): number {
  if (value === undefined) return 0
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${value}`)
  }
  return value
}
