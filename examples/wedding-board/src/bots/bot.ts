/**
 * One simulated supplier: the shell that runs a bot's schedule (plan.ts) on a real presence client.
 * Arriving creates a client and enters the wedding's room; working gives input and sets the
 * activity; quiet stops input so the client turns idle and away by itself; leaving destroys the
 * client, as a laptop lid shutting would. Receipts for broadcasts are the client's own doing.
 * Given `trust`, every client the bot creates is verified: a fresh trust (one session) each time.
 */
import {
  type Clock,
  createPresenceClient,
  type PresenceClient,
  type PresenceError,
  type PresenceRoom,
  type PresenceTransport,
  type PresenceTrust,
  type Scheduler,
  type SelfPresence,
} from '@wedsync/presence-core'
import { createFakeActivity, type FakeActivity } from '@wedsync/presence-testing'
import { roomOf, supplierById, weddingById } from '../cast.js'
import { parseUrgent, URGENT_EVENT } from '../urgent.js'
import type { CrowdMember } from './crowd.js'
import { withLostReceipts } from './lost-receipts.js'
import {
  applyStep,
  type BotPace,
  type BotState,
  type BotStep,
  type BotView,
  DEMO_PACE,
  initialState,
  nextStep,
  type Random,
} from './plan.js'
import { urgentLine } from './urgent-line.js'

export interface BotOptions {
  readonly member: CrowdMember
  readonly transport: PresenceTransport
  readonly clock: Clock
  readonly scheduler: Scheduler
  readonly random: Random
  readonly pace?: BotPace
  /**
   * Verified presence: a new trust for each client the bot creates (each arrival is a new session
   * with its own credential). Absent: the bot's presence is its own claim.
   */
  readonly trust?: () => PresenceTrust
  /** One line per step, for the demo's console. */
  readonly log?: (line: string) => void
  /** What the bot's client reports (dropped payloads, failed calls). Default: logged. */
  readonly onError?: (error: PresenceError) => void
  /** The bot's own presence as its client derives it, on every change; `undefined` once it left. */
  readonly onPresence?: (self: SelfPresence | undefined) => void
}

export interface Bot {
  readonly userId: string
  state(): BotState
  /** When the bot took its last step (clock time); undefined before the first. */
  lastStepAt(): number | undefined
  /** The bot's client while it is present. */
  client(): PresenceClient | undefined
  /** Stops the schedule and leaves (destroys the client). */
  stop(): void
}

export function startBot(options: BotOptions): Bot {
  const { member, clock, scheduler, random } = options
  const pace = options.pace ?? DEMO_PACE
  const transport = member.patchySignal ? withLostReceipts(options.transport) : options.transport
  const person = supplierById(member.userId)
  const name = person?.name ?? member.userId
  const log = options.log ?? (() => {})
  const onError = options.onError ?? ((error: PresenceError) => log(`${name}: ${error.message}`))
  let state = initialState(member)
  let client: PresenceClient | undefined
  let room: PresenceRoom | undefined
  let activity: FakeActivity | undefined
  let stopped = false
  let lastStepAt: number | undefined

  const enter = (weddingId: string, view: BotView) => {
    room = client?.enter(roomOf(weddingId), { activity: { ...view, weddingId } })
    room?.onBroadcast(URGENT_EVENT, (payload) => {
      const message = parseUrgent(payload)
      if (!message) return
      // What the sender's report will say depends on the status at delivery, before they look.
      const status = client?.me()?.status
      activity?.input() // they look at their phone
      log(urgentLine(name, message.text, status, !!member.patchySignal))
    })
  }

  const perform = (step: BotStep) => {
    // Whatever a bot does at its desk is input; only a quiet spell (or leaving) is not.
    if (step.type !== 'quiet' && step.type !== 'leave') activity?.input()
    switch (step.type) {
      case 'arrive':
        activity = createFakeActivity()
        client = createPresenceClient({
          transport,
          userId: member.userId,
          profile: { name, role: person?.role ?? 'Supplier' },
          clock,
          scheduler,
          activity,
          idleAfterMs: pace.idleAfterMs,
          awayAfterMs: pace.awayAfterMs,
          ...(options.trust && { trust: options.trust() }),
        })
        client.on('error', onError)
        if (options.onPresence) {
          client.on('status', options.onPresence)
          options.onPresence(client.me())
        }
        enter(step.weddingId, step.view)
        log(`${name} opens ${weddingById(step.weddingId)?.couple ?? step.weddingId}`)
        break
      case 'work':
        room?.setActivity({ ...step.view, weddingId: state.weddingId })
        break
      case 'quiet':
        log(`${name} steps away from the desk`)
        break
      case 'busy':
        client?.setStatus(step.on ? 'busy' : null)
        log(`${name} is ${step.on ? 'busy' : 'back to automatic'}`)
        break
      case 'custom':
        client?.setCustomStatus(
          step.status && {
            text: step.status.text,
            emoji: step.status.emoji,
            expiresAt: clock.now() + step.status.forMs,
          },
        )
        log(
          step.status
            ? `${name}: ${step.status.emoji} ${step.status.text}`
            : `${name} clears their status`,
        )
        break
      case 'switch':
        client?.leave(roomOf(state.weddingId))
        enter(step.weddingId, step.view)
        log(`${name} switches to ${weddingById(step.weddingId)?.couple ?? step.weddingId}`)
        break
      case 'leave':
        client?.destroy()
        client = room = activity = undefined
        options.onPresence?.(undefined)
        log(`${name} closes the laptop`)
        break
    }
  }

  let cancel = () => {}
  const schedule = (first: boolean) => {
    const next = nextStep(member, state, pace, random, first)
    cancel = scheduler.schedule(next.afterMs, () => {
      if (stopped) return
      lastStepAt = clock.now()
      perform(next.step)
      state = applyStep(state, next.step)
      schedule(false)
    })
  }
  schedule(true)

  return {
    userId: member.userId,
    state: () => state,
    lastStepAt: () => lastStepAt,
    client: () => client,
    stop() {
      if (stopped) return
      stopped = true
      cancel()
      if (client) options.onPresence?.(undefined)
      client?.destroy()
      client = room = activity = undefined
    },
  }
}
