/**
 * What the board says about verification: its mode (verified, or unverified and why) and how many
 * updates it dropped because they did not verify (PRESENCE_NOT_VERIFIED), with the last one's
 * reason. An external store for React: a flood of forged updates changes one count in the top bar
 * and never a row, and the snapshot is a new object only when something changed.
 */
import type { PresenceError, TrustMode } from '@wedsync/presence-core'

export type TrustReport =
  | {
      readonly mode: 'verified'
      /** Updates dropped because they did not verify, since the board opened. */
      readonly dropped: number
      /** The last drop in words: "presence for "u-photo" … carries no proof (…)". */
      readonly lastDrop?: string
    }
  | { readonly mode: 'unverified'; readonly reason: string }

export interface TrustMonitor {
  current(): TrustReport
  subscribe(listener: () => void): () => void
  /** Counts `error` when it is a dropped update; true when it was one. */
  report(error: PresenceError): boolean
}

/** `mode` is the client's own (`client.trust`); `reason` says why when it is unverified. */
export function createTrustMonitor(
  mode: TrustMode,
  reason = 'it was made without a trust',
): TrustMonitor {
  let report: TrustReport = mode === 'verified' ? { mode, dropped: 0 } : { mode, reason }
  const listeners = new Set<() => void>()
  return {
    current: () => report,
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    report(error) {
      if (error.code !== 'PRESENCE_NOT_VERIFIED') return false
      // An unverified client never verifies, so it never drops: nothing to count there.
      if (report.mode !== 'verified') return true
      report = {
        mode: 'verified',
        dropped: report.dropped + 1,
        lastDrop: error.message.replace(/^Dropped /, ''),
      }
      for (const listener of Array.from(listeners)) listener()
      return true
    },
  }
}

/** The badge's words for a screen reader and a tooltip. */
export function describeTrust(report: TrustReport): string {
  if (report.mode === 'unverified')
    return `Unverified: what this board shows is each sender’s own claim, because ${report.reason}.`
  const base =
    'Verified: every status, activity, broadcast and receipt on this board is signed by its sender’s session and checked before it is shown.'
  if (report.dropped === 0) return base
  const count = report.dropped === 1 ? '1 update' : `${report.dropped} updates`
  return `${base} ${count} that could not be verified ${report.dropped === 1 ? 'was' : 'were'} dropped; the last: ${report.lastDrop}.`
}
