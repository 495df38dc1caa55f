/**
 * Reads a `phx_join` payload the way Supabase's join schema does: booleans may be strings
 * ("true"/"false", any case), a value of the wrong type falls back to its default, an empty
 * presence key becomes a new UUID per join, and `sb_` tokens mean "use the API key".
 */
import { isJsonObject, type JsonObject } from './frames.js'

export interface JoinConfig {
  readonly broadcastSelf: boolean
  readonly broadcastAck: boolean
  readonly presenceEnabled: boolean
  readonly presenceKey: string
  readonly private: boolean
  /** The entries of `config.postgres_changes` (this server echoes them but never delivers). */
  readonly postgresChanges: readonly JsonObject[]
  /** `access_token` (or `user_token`) unless absent or an `sb_` key; undefined = the API key. */
  readonly accessToken: string | undefined
}

export function parseJoinPayload(payload: JsonObject, newKey: () => string): JoinConfig {
  const config = isJsonObject(payload.config) ? payload.config : {}
  const broadcast = isJsonObject(config.broadcast) ? config.broadcast : {}
  const presence = isJsonObject(config.presence) ? config.presence : {}
  return {
    broadcastSelf: flexibleBoolean(broadcast.self),
    broadcastAck: flexibleBoolean(broadcast.ack),
    presenceEnabled: flexibleBoolean(presence.enabled),
    presenceKey: presenceKey(presence.key) ?? newKey(),
    private: flexibleBoolean(config.private),
    postgresChanges: Array.isArray(config.postgres_changes)
      ? config.postgres_changes.filter(isJsonObject)
      : [],
    accessToken: accessTokenOf(payload),
  }
}

/** `true`/`false`, or their strings in any case; anything else is the default, false. */
export function flexibleBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value
  return typeof value === 'string' && value.toLowerCase() === 'true'
}

function presenceKey(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return typeof value === 'string' && value !== '' ? value : undefined
}

function accessTokenOf(payload: JsonObject): string | undefined {
  const token = payload.access_token ?? payload.user_token
  if (typeof token !== 'string' || token.startsWith('sb_')) return undefined
  return token
}

/**
 * Why a presence key cannot be tracked without breaking realtime-js, or undefined when it can:
 * `ids` makes the client read a presence state as a postgres_changes message, and names that
 * `Object.prototype` holds corrupt the plain objects older clients keep presence in (§1.4, §2.3).
 */
export function unsafePresenceKey(key: string): string | undefined {
  if (key === 'ids') return 'Presence key "ids" is reserved by the client'
  if (key in Object.prototype) return `Presence key "${key}" is reserved by the client`
  return undefined
}
