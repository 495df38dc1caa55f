/** What a running Realtime server reports about itself (`server.stats()`). */
export interface RealtimeStats {
  /** Open sockets. */
  readonly connections: number
  /** Channels (topics, private and public counted apart) with at least one member. */
  readonly channels: number
  /** Channel memberships over all sockets. */
  readonly members: number
  /** Tracked presence metas over all channels. */
  readonly presences: number
  /** Frames received from clients and frames written to them (before coalescing). */
  readonly framesIn: number
  readonly framesOut: number
  /** Joins answered ok, and joins refused with an error reply. */
  readonly joins: number
  readonly joinErrors: number
  /** Channels closed by the server (system error, limit, expired token, refused token). */
  readonly channelsClosed: number
  /** Handshakes refused (bad API key, bad vsn) and sockets closed for being idle. */
  readonly refusedHandshakes: number
  readonly idleTimeouts: number
}

export type StatsCounters = {
  -readonly [K in Exclude<keyof RealtimeStats, 'connections' | 'channels' | 'presences'>]: number
}

export function createCounters(): StatsCounters {
  return {
    members: 0,
    framesIn: 0,
    framesOut: 0,
    joins: 0,
    joinErrors: 0,
    channelsClosed: 0,
    refusedHandshakes: 0,
    idleTimeouts: 0,
  }
}
