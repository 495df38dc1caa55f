/**
 * The in-memory PresenceStore: for tests, examples and single-process apps that need no
 * durability. Runs anywhere (no I/O). Each call completes before the next starts, which gives
 * the serialization the port asks for.
 */
import type { Status } from '@wedsync/presence-core'
import {
  DEFAULT_PRESENCE_SETTINGS,
  type PresenceSettings,
  type SettingsUpdate,
} from '../validation/schemas.js'
import {
  type EventQuery,
  type PresenceStore,
  pastDeadline,
  type RecordStatusResult,
  type StatusChange,
  type StatusEvent,
  type StoredPresence,
  type TargetPresence,
  type TeamMember,
} from './presence-store.js'

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
      const prev = presence.get(change.userId)
      const changed = prev?.status !== change.status
      const customStatus =
        change.customStatus === undefined ? prev?.customStatus : (change.customStatus ?? undefined)
      const activity =
        change.activity === undefined ? prev?.activity : (change.activity ?? undefined)
      const next: StoredPresence = {
        userId: change.userId,
        status: change.status,
        lastSeenAt: Math.max(prev?.lastSeenAt ?? change.at, change.at),
        statusChangedAt: changed || !prev ? change.at : prev.statusChangedAt,
        ...(customStatus ? { customStatus } : {}),
        ...(activity ? { activity } : {}),
      }
      presence.set(change.userId, next)
      if (!changed) return { presence: next }
      const transition: StatusEvent = {
        userId: change.userId,
        from: (prev?.status ?? null) as Status | null,
        to: change.status,
        at: change.at,
      }
      pushEvent(transition)
      return { presence: next, transition }
    },
    async recordHeartbeat(userId, at) {
      const prev = presence.get(userId)
      presence.set(
        userId,
        prev
          ? { ...prev, lastSeenAt: Math.max(prev.lastSeenAt, at) }
          : { userId, status: 'online', lastSeenAt: at, statusChangedAt: at },
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
