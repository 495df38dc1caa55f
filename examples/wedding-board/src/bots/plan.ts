/**
 * What a simulated supplier does next: a pure schedule. From the bot's state and a random draw it
 * returns the next step and how long to wait for it; `applyStep` gives the state after it. The
 * shell (bot.ts) turns steps into presence calls on a real client; nothing here reads time.
 */

/** What the bot works on while at its desk: becomes the presence activity. */
export interface BotView {
  readonly action: string
  readonly target: string
}

export interface BotCustomStatus {
  readonly text: string
  readonly emoji: string
  /** How long the status stays before it expires by itself. */
  readonly forMs: number
}

export interface Persona {
  readonly userId: string
  /** Wedding ids this supplier works on; the first is where they start. */
  readonly weddings: readonly string[]
  readonly views: readonly BotView[]
  readonly statuses: readonly BotCustomStatus[]
  /** Arrives within the first seconds (else some time later). */
  readonly startsPresent: boolean
}

/**
 * `absent`: no session (laptop shut). `working`: present and giving input. `quiet`: present, no
 * input, so the client turns idle, then away, on its own timers.
 */
export type BotMode = 'absent' | 'working' | 'quiet'

export interface BotState {
  readonly mode: BotMode
  /** The wedding whose room the bot is in (or last was). */
  readonly weddingId: string
  readonly view: BotView
  readonly busy: boolean
  readonly custom: boolean
}

export type BotStep =
  | { readonly type: 'arrive'; readonly weddingId: string; readonly view: BotView }
  | { readonly type: 'work'; readonly view: BotView }
  | { readonly type: 'quiet' }
  | { readonly type: 'busy'; readonly on: boolean }
  | { readonly type: 'custom'; readonly status: BotCustomStatus | null }
  | { readonly type: 'switch'; readonly weddingId: string; readonly view: BotView }
  | { readonly type: 'leave' }

export interface PlannedStep {
  readonly afterMs: number
  readonly step: BotStep
}

/** How fast the crowd lives. Quiet spells outlast `idleAfterMs`, so idle is seen on the board. */
export interface BotPace {
  readonly idleAfterMs: number
  readonly awayAfterMs: number
  /** Between two steps while working. */
  readonly workMs: readonly [number, number]
  /** Away from the desk before coming back (or leaving). */
  readonly quietMs: readonly [number, number]
  /** Laptop shut before coming back. */
  readonly absentMs: readonly [number, number]
}

export const DEMO_PACE: BotPace = {
  idleAfterMs: 40_000,
  awayAfterMs: 120_000,
  workMs: [6_000, 18_000],
  quietMs: [50_000, 150_000],
  absentMs: [30_000, 90_000],
}

export type Random = () => number

const between = ([min, max]: readonly [number, number], random: Random): number =>
  Math.round(min + (max - min) * random())

const pick = <T>(items: readonly T[], random: Random): T =>
  items[Math.min(items.length - 1, Math.floor(random() * items.length))]!

/** Picks a key by weight; a weight of 0 is never picked. */
function weighted<K extends string>(weights: Readonly<Record<K, number>>, random: Random): K {
  const entries = (Object.entries(weights) as [K, number][]).filter(([, w]) => w > 0)
  let roll = random() * entries.reduce((sum, [, w]) => sum + w, 0)
  for (const [key, weight] of entries) {
    roll -= weight
    if (roll < 0) return key
  }
  return entries[entries.length - 1]![0]
}

export function initialState(persona: Persona): BotState {
  return {
    mode: 'absent',
    weddingId: persona.weddings[0]!,
    view: persona.views[0]!,
    busy: false,
    custom: false,
  }
}

/** The bot's next step, given where it is. `first` is the step that starts the simulation. */
export function nextStep(
  persona: Persona,
  state: BotState,
  pace: BotPace,
  random: Random,
  first = false,
): PlannedStep {
  if (state.mode === 'absent') {
    const afterMs = first
      ? persona.startsPresent
        ? between([300, 3_000], random)
        : between([20_000, 45_000], random)
      : between(pace.absentMs, random)
    return {
      afterMs,
      step: {
        type: 'arrive',
        weddingId: pick(persona.weddings, random),
        view: pick(persona.views, random),
      },
    }
  }
  if (state.mode === 'quiet') {
    const afterMs = between(pace.quietMs, random)
    return random() < 0.75
      ? { afterMs, step: { type: 'work', view: pick(persona.views, random) } }
      : { afterMs, step: { type: 'leave' } }
  }
  const afterMs = between(pace.workMs, random)
  const others = persona.weddings.filter((id) => id !== state.weddingId)
  const choice = weighted(
    {
      work: 50,
      quiet: 12,
      busy: state.busy ? 25 : 8,
      custom: persona.statuses.length > 0 ? 8 : 0,
      switch: others.length > 0 ? 8 : 0,
      leave: 6,
    },
    random,
  )
  switch (choice) {
    case 'work':
      return { afterMs, step: { type: 'work', view: pick(persona.views, random) } }
    case 'busy':
      return { afterMs, step: { type: 'busy', on: !state.busy } }
    case 'custom':
      return {
        afterMs,
        step: {
          type: 'custom',
          status: state.custom && random() < 0.5 ? null : pick(persona.statuses, random),
        },
      }
    case 'switch':
      return {
        afterMs,
        step: {
          type: 'switch',
          weddingId: pick(others, random),
          view: pick(persona.views, random),
        },
      }
    case 'quiet':
      return { afterMs, step: { type: 'quiet' } }
    case 'leave':
      return { afterMs, step: { type: 'leave' } }
  }
}

/** The state after `step`. Leaving ends the session: manual and custom status go with it. */
export function applyStep(state: BotState, step: BotStep): BotState {
  switch (step.type) {
    case 'arrive':
      return {
        mode: 'working',
        weddingId: step.weddingId,
        view: step.view,
        busy: false,
        custom: false,
      }
    case 'work':
      return { ...state, mode: 'working', view: step.view }
    case 'quiet':
      return { ...state, mode: 'quiet' }
    case 'busy':
      return { ...state, busy: step.on }
    case 'custom':
      return { ...state, custom: step.status !== null }
    case 'switch':
      return { ...state, weddingId: step.weddingId, view: step.view }
    case 'leave':
      return { ...state, mode: 'absent', busy: false, custom: false }
  }
}

/** Whether `step` makes sense in `state` (the shell relies on it: e.g. no switch while absent). */
export function isValidStep(persona: Persona, state: BotState, step: BotStep): boolean {
  const present = state.mode !== 'absent'
  switch (step.type) {
    case 'arrive':
      return !present && persona.weddings.includes(step.weddingId)
    case 'switch':
      return (
        state.mode === 'working' &&
        step.weddingId !== state.weddingId &&
        persona.weddings.includes(step.weddingId)
      )
    case 'work':
    case 'leave':
      return present
    default:
      return state.mode === 'working'
  }
}

export interface TimedStep {
  readonly at: number
  readonly step: BotStep
  readonly state: BotState
}

/** The whole schedule from `start` for `durationMs`: what the shell would do, step by step. */
export function planBot(
  persona: Persona,
  pace: BotPace,
  random: Random,
  start: number,
  durationMs: number,
): readonly TimedStep[] {
  const steps: TimedStep[] = []
  let state = initialState(persona)
  let at = start
  for (let first = true; ; first = false) {
    const next = nextStep(persona, state, pace, random, first)
    at += next.afterMs
    if (at > start + durationMs) return steps
    state = applyStep(state, next.step)
    steps.push({ at, step: next.step, state })
  }
}

/** mulberry32: a seeded generator, so a bot's day replays identically for the same seed. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
