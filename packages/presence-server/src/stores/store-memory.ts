/**
 * The in-memory PresenceStore: for tests, examples and single-process apps that need no
 * durability. Runs anywhere (no I/O). Each call completes before the next starts, which gives
 * the serialization the port asks for. Sessions are kept per user; the user's row is their
 * aggregate (session-aggregate.ts), recomputed on every report and by `sweepSessions` through
 * the session-change planner every store shares (session-change.ts).
 */
import {
  DEFAULT_PRESENCE_SETTINGS,
  type PresenceSettings,
  type SettingsUpdate,
} from '../validation/schemas.js'
import {
  type EventQuery,
  type HeartbeatOptions,
  type PresenceStore,
  pastDeadline,
  type RecordStatusResult,
  type StatusChange,
  type StatusEvent,
  type StoredPresence,
  type SweepResult,
  type TargetPresence,
  type TeamMember,
} from './presence-store.js'
import {
  aggregateSessions,
  isLive,
  SESSION_GRACE_MS,
  type StoredSession,
} from './session-aggregate.js'
import {
  endSessionChange,
  heartbeatLease,
  heartbeatReviveChange,
  planSessionChange,
  reportChange,
  type SessionChange,
  type SessionChangeResult,
  withoutExpired,
} from './session-change.js'

export interface MemoryStoreOptions {
  /** Transitions kept per user before the oldest are dropped. Default 10,000. */
  readonly maxEventsPerUser?: number
}

export function createMemoryStore(options: MemoryStoreOptions = {}): PresenceStore {
  const maxEvents = options.maxEventsPerUser ?? 10_000
  const settings = new Map<string, PresenceSettings>()
  const presence = new Map<string, StoredPresence>()
  const events = new Map<string, StatusEvent[]>()
  const teams = new Map<string, Map<string, string | undefined>>()
  const teamsOf = new Map<string, Set<string>>()
  const contacts = new Map<string, Set<string>>()
  const sessions = new Map<string, Map<string, StoredSession>>()
  // When each user's aggregate can next change by time alone: what the sweeper looks at.
  const sweepAt = new Map<string, number>()
  let closed = false

  const settingsOf = (userId: string) => settings.get(userId) ?? DEFAULT_PRESENCE_SETTINGS

  function sharesTeam(a: string, b: string): boolean {
    const mine = teamsOf.get(a)
    const theirs = teamsOf.get(b)
    if (!mine || !theirs) return false
    for (const team of mine) if (theirs.has(team)) return true
    return false
  }

  function pushEvent(event: StatusEvent): void {
    const list = getOrCreate(events, event.userId, () => [])
    list.push(event)
    if (list.length > maxEvents) list.splice(0, list.length - maxEvents)
  }

  /**
   * Plans `change` on what this store holds (session-change.ts, the algorithm every store shares)
   * and applies the write: one process, so there is no race and no version to check.
   */
  function apply(change: SessionChange): SessionChangeResult {
    const plan = planSessionChange(
      {
        previous: presence.get(change.userId),
        sessions: [...(sessions.get(change.userId)?.values() ?? [])],
        version: undefined,
      },
      change,
    )
    if (!plan.write) return plan.result
    const write = plan.write
    const own = getOrCreate(sessions, write.userId, () => new Map<string, StoredSession>())
    if (write.put) own.set(write.put.sessionId, write.put)
    if (write.end !== undefined) own.delete(write.end)
    for (const id of write.expired) own.delete(id)
    if (own.size === 0) sessions.delete(write.userId)
    presence.set(write.userId, write.row)
    if (write.sweepAt === null) sweepAt.delete(write.userId)
    else sweepAt.set(write.userId, write.sweepAt)
    if (write.record)
      pushEvent({ userId: write.userId, from: write.from, to: write.row.status, at: write.at })
    return write.result
  }

  return {
    async getSettings(userId) {
      return settingsOf(userId)
    },
    async updateSettings(userId, patch: SettingsUpdate) {
      const next: PresenceSettings = { ...settingsOf(userId), ...withoutUndefined(patch) }
      settings.set(userId, next)
      return next
    },
    async recordStatus(change: StatusChange): Promise<RecordStatusResult> {
      if (change.notAfter !== undefined && Date.now() > change.notAfter)
        throw pastDeadline(change.notAfter)
      return withoutExpired(apply(reportChange(change)))
    },
    async recordHeartbeat(userId, at, options: HeartbeatOptions = {}) {
      const { sessionId, leaseUntil } = heartbeatLease(at, options)
      const previous = sessions.get(userId)?.get(sessionId)
      const row = presence.get(userId)
      if (previous && isLive(previous, at) && row) {
        // A live session only renews its lease and last seen, as in the SQL stores: what other
        // sessions' leases did meanwhile is the sweeper's to apply.
        sessions.get(userId)?.set(sessionId, {
          ...previous,
          leaseUntil: Math.max(previous.leaseUntil, leaseUntil),
        })
        presence.set(userId, { ...row, lastSeenAt: Math.max(row.lastSeenAt, at) })
        // The next sweep moves to the earliest live lease or time-based change, unless one is
        // due already (a lease that ended and is not swept yet).
        if ((sweepAt.get(userId) ?? Infinity) > at) {
          const own = [...(sessions.get(userId)?.values() ?? [])].filter((x) => isLive(x, at))
          sweepAt.set(userId, aggregateSessions(userId, own, at).nextChangeAt ?? Infinity)
        }
        return
      }
      apply(heartbeatReviveChange(userId, at, { sessionId, leaseUntil }))
    },
    async endSession(userId, sessionId, at) {
      return withoutExpired(apply(endSessionChange(userId, sessionId, at)))
    },
    async sweepSessions(now, options = {}): Promise<SweepResult> {
      const limit = options.limit ?? 500
      const due = [...sweepAt]
        .filter(([, at]) => at <= now)
        .sort((a, b) => a[1] - b[1])
        .slice(0, limit)
      const transitions: StatusEvent[] = []
      const customStatusChanged: string[] = []
      for (const [userId] of due) {
        const result = apply({ userId, at: now })
        if (result.transition) transitions.push(result.transition)
        if (result.customStatusChanged) customStatusChanged.push(userId)
      }
      // Sessions past their lease and the grace go, whoever they belong to.
      let expired = 0
      for (const [userId, own] of sessions) {
        for (const [id, session] of own)
          if (!isLive(session, now - SESSION_GRACE_MS)) {
            own.delete(id)
            expired++
          }
        if (own.size === 0) sessions.delete(userId)
      }
      return { expired, users: due.length, transitions, customStatusChanged }
    },
    async sessionsOf(userId) {
      return [...(sessions.get(userId)?.values() ?? [])].sort(
        (a, b) => a.reportedAt - b.reportedAt || (a.sessionId < b.sessionId ? -1 : 1),
      )
    },
    async presenceFor(viewerId, userIds): Promise<TargetPresence[]> {
      return userIds.map((userId) => {
        const stored = presence.get(userId)
        return {
          userId,
          settings: settingsOf(userId),
          isContact: contacts.get(userId)?.has(viewerId) ?? false,
          sharesTeam: sharesTeam(viewerId, userId),
          ...(stored ? { presence: stored } : {}),
        }
      })
    },
    async teamMembers(teamId) {
      const members = teams.get(teamId)
      if (!members) return []
      return [...members]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([userId, role]) => ({ teamId, userId, ...(role === undefined ? {} : { role }) }))
    },
    async addTeamMember(member: TeamMember) {
      getOrCreate(teams, member.teamId, () => new Map()).set(member.userId, member.role)
      getOrCreate(teamsOf, member.userId, () => new Set<string>()).add(member.teamId)
    },
    async removeTeamMember(teamId, userId) {
      teams.get(teamId)?.delete(userId)
      teamsOf.get(userId)?.delete(teamId)
    },
    async addContact(userId, contactId) {
      getOrCreate(contacts, userId, () => new Set<string>()).add(contactId)
    },
    async removeContact(userId, contactId) {
      contacts.get(userId)?.delete(contactId)
    },
    async statusEvents(userId, query: EventQuery = {}) {
      const { since = -Infinity, until = Infinity, limit = 1_000 } = query
      return (events.get(userId) ?? [])
        .filter((e) => e.at >= since && e.at < until)
        .sort((a, b) => a.at - b.at)
        .slice(0, limit)
    },
    async pruneEvents(before) {
      let removed = 0
      for (const [userId, list] of events) {
        const kept = list.filter((e) => e.at >= before)
        removed += list.length - kept.length
        if (kept.length) events.set(userId, kept)
        else events.delete(userId)
      }
      return removed
    },
    async ping() {
      if (closed) throw new Error('memory store is closed')
    },
    async close() {
      closed = true
    },
  }
}

function withoutUndefined(patch: SettingsUpdate): SettingsUpdate {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(patch)) if (value !== undefined) out[key] = value
  return out as SettingsUpdate
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key)
  if (value === undefined) {
    value = make()
    map.set(key, value)
  }
  return value
}
