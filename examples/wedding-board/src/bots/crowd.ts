/**
 * The simulated suppliers of the demo: everyone but the venue coordinator, who is the person at the
 * board. Each has the weddings they work on (from the cast), what they do at their desk, and the
 * custom statuses they set.
 */
import { SUPPLIERS, weddingsOf } from '../cast.js'
import type { BotCustomStatus, BotView, Persona } from './plan.js'

export interface CrowdMember extends Persona {
  /**
   * Simulates a phone with poor reception at the venue: presence gets through, but the receipts it
   * sends for broadcasts are lost, so the board shows "no receipt" for them.
   */
  readonly patchySignal?: boolean
}

const MINUTE = 60_000

const view = (action: string, target: string): BotView => ({ action, target })
const status = (emoji: string, text: string, minutes: number): BotCustomStatus => ({
  emoji,
  text,
  forMs: minutes * MINUTE,
})

const HABITS: Readonly<
  Record<
    string,
    {
      views: BotView[]
      statuses: BotCustomStatus[]
      startsPresent: boolean
      patchySignal?: boolean
    }
  >
> = {
  'u-planner': {
    views: [
      view('viewing', 'timeline'),
      view('editing', 'seating plan'),
      view('viewing', 'budget'),
    ],
    statuses: [
      status('📞', 'On a call with the couple', 20),
      status('🚗', 'Driving to the venue', 30),
    ],
    startsPresent: true,
  },
  'u-photo': {
    views: [
      view('viewing', 'timeline'),
      view('editing', 'shot list'),
      view('viewing', 'floor plan'),
    ],
    statuses: [
      status('📸', 'Shooting an engagement session', 45),
      status('💾', 'Backing up cards', 15),
    ],
    startsPresent: true,
  },
  'u-florist': {
    views: [view('editing', 'flower order'), view('viewing', 'floor plan')],
    statuses: [
      status('💐', 'At the flower market', 40),
      status('🚐', 'Delivering to the venue', 25),
    ],
    startsPresent: true,
  },
  'u-caterer': {
    views: [view('editing', 'menu'), view('viewing', 'dietary list'), view('viewing', 'timeline')],
    statuses: [status('🍽️', 'Tasting with the chef', 30)],
    startsPresent: false,
  },
  'u-dj': {
    views: [view('editing', 'playlist'), view('viewing', 'timeline')],
    statuses: [status('🎧', 'Sound check in the hall', 20)],
    startsPresent: true,
    patchySignal: true,
  },
  'u-baker': {
    views: [view('editing', 'cake order'), view('viewing', 'timeline')],
    statuses: [status('🍰', 'Baking: hands full', 60)],
    startsPresent: true,
  },
  'u-hair': {
    views: [view('viewing', 'timeline'), view('editing', 'trial schedule')],
    statuses: [status('💇', 'With a bride until 16:00', 60)],
    startsPresent: false,
  },
}

export const CROWD: readonly CrowdMember[] = SUPPLIERS.flatMap((s) => {
  const habits = HABITS[s.userId]
  if (!habits) return []
  return [{ userId: s.userId, weddings: weddingsOf(s.userId).map((w) => w.id), ...habits }]
})
