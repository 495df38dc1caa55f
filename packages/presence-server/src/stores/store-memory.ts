/**
 * The in-memory PresenceStore: for tests, examples and single-process apps that need no
 * durability. Runs anywhere (no I/O). Each call completes before the next starts, which gives
 * the serialization the port asks for. Sessions are kept per user; the user's row is their
 * aggregate (session-aggregate.ts), recomputed on every report and by `sweepSessions`.
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
  DEFAULT_SESSION_LEASE_MS,
  IMPLICIT_SESSION_ID,
  isLive,
  neverSeen,
  SESSION_GRACE_MS,
  type StoredSession,
  sessionAfterReport,
  userRowAfter,
} from './session-aggregate.js'

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
   * Recomputes the user's aggregate at `at` over their live sessions (removing those past their
   * lease and the grace), stores the row, records a transition when the status changed, unless
   * `quietFirst` and it is the user's first row (a first heartbeat records none: the contract).
   */
  function recompute(
    userId: string,
    at: number,
    seenAt: number | undefined,
    quietFirst = false,
  ): RecordStatusResult {
    const own = sessions.get(userId)
    if (own)
      for (const [id, session] of own) if (!isLive(session, at - SESSION_GRACE_MS)) own.delete(id)
    if (own?.size === 0) sessions.delete(userId)
    const aggregate = aggregateSessions(userId, [...(own?.values() ?? [])], at)
    const prev = presence.get(userId)
    const change = userRowAfter(userId, prev, aggregate, at, seenAt)
    const next: StoredPresence = change.row
    presence.set(userId, next)
    if (aggregate.nextChangeAt === undefined) sweepAt.delete(userId)
    else sweepAt.set(userId, aggregate.nextChangeAt)
    const customStatusChanged = change.customStatusChanged && prev !== undefined
    if (!change.statusChanged || (quietFirst && !prev))
      return { presence: next, ...(customStatusChanged ? { customStatusChanged } : {}) }
    const transition: StatusEvent = {
      userId,
      from: change.from ?? null,
      to: next.status,
      at,
    }
    pushEvent(transition)
    return { presence: next, transition, ...(customStatusChanged ? { customStatusChanged } : {}) }
  }

  function putSession(userId: string, sessionId: string, session: StoredSession | undefined): void {
    const own = getOrCreate(sessions, userId, () => new Map<string, StoredSession>())
    if (session) own.set(sessionId, session)
    else own.delete(sessionId)
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
      const sessionId = change.sessionId ?? IMPLICIT_SESSION_ID
      const previous = sessions.get(change.userId)?.get(sessionId)
      const leaseUntil = change.leaseUntil ?? change.at + DEFAULT_SESSION_LEASE_MS
      putSession(
        change.userId,
        sessionId,
        sessionAfterReport(change, sessionId, previous, leaseUntil),
      )
      return recompute(change.userId, change.at, change.at)
    },
    async recordHeartbeat(userId, at, options: HeartbeatOptions = {}) {
      const sessionId = options.sessionId ?? IMPLICIT_SESSION_ID
      const leaseUntil = options.leaseUntil ?? at + DEFAULT_SESSION_LEASE_MS
      const previous = sessions.get(userId)?.get(sessionId)
      const row = presence.get(userId)
      if (previous && isLive(previous, at) && row) {
        // A live session only renews its lease and last seen, as in the SQL stores: what other
        // sessions' leases did meanwhile is the sweeper's to apply.
        putSession(userId, sessionId, {
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
      // A session past its lease but within the grace comes back with what it last reported;
      // one the store never had (or removed) starts online.
      putSession(
        userId,
        sessionId,
        previous
          ? { ...previous, leaseUntil: Math.max(previous.leaseUntil, leaseUntil) }
          : { sessionId, inputs: { automatic: 'online' }, reportedAt: at, leaseUntil },
      )
      recompute(userId, at, at, true)
    },
    async endSession(userId, sessionId, at) {
      if (!sessions.get(userId)?.has(sessionId))
        return { presence: presence.get(userId) ?? neverSeen(userId, at) }
      putSession(userId, sessionId, undefined)
      return recompute(userId, at, undefined)
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
        const result = recompute(userId, now, undefined)
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
