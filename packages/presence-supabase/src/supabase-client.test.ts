import { createClient } from '@supabase/supabase-js'
import type { PresenceError } from '@wedsync/presence-core'
import { describe, expect, it, vi } from 'vitest'
// Node 20 has no global WebSocket: supabase-js takes the ws constructor as its transport.
import WebSocket from 'ws'
import { fullJitterReconnect } from './backoff.js'
import { hasFixedReconnectSchedule } from './reconnect-schedule.js'
import { createPresenceSupabaseClient, presenceSupabaseClientOptions } from './supabase-client.js'
import { createSupabaseTransport } from './transport.js'

// No network: supabase-js connects the socket only when a channel subscribes.
const URL = 'http://127.0.0.1:1'
const KEY = 'anon-key'
const NO_SESSION = {
  auth: { persistSession: false },
  realtime: { transport: WebSocket as never },
}

describe('presenceSupabaseClientOptions', () => {
  it('adds a full-jitter reconnectAfterMs and keeps the app options', () => {
    const options = presenceSupabaseClientOptions(
      { auth: { persistSession: false }, realtime: { heartbeatIntervalMs: 5_000 } },
      () => 0.5,
    )
    expect(options.auth).toEqual({ persistSession: false })
    expect(options.realtime?.heartbeatIntervalMs).toBe(5_000)
    expect(options.realtime?.reconnectAfterMs?.(1)).toBe(1_000)
    expect(options.realtime?.reconnectAfterMs?.(20)).toBe(15_000)
  })

  it("lets the app's explicit reconnectAfterMs win", () => {
    const mine = () => 7
    const options = presenceSupabaseClientOptions({ realtime: { reconnectAfterMs: mine } })
    expect(options.realtime?.reconnectAfterMs).toBe(mine)
  })
})

describe('fixed reconnect schedule detection', () => {
  it('sees the default supabase-js schedule as fixed and a jittered one as not', () => {
    const plain = createClient(URL, KEY, NO_SESSION)
    const ours = createPresenceSupabaseClient(URL, KEY, NO_SESSION)
    expect(hasFixedReconnectSchedule(plain.realtime)).toBe(true)
    expect(hasFixedReconnectSchedule(ours.realtime)).toBe(false)
    expect(hasFixedReconnectSchedule({})).toBe(false)
    expect(
      hasFixedReconnectSchedule({
        reconnectAfterMs: () => {
          throw new Error('odd')
        },
      }),
    ).toBe(false)
  })

  it('warns once for a default client, across transports, and never for a jittered one', () => {
    const plain = createClient(URL, KEY, NO_SESSION)
    const errors: PresenceError[] = []
    const onError = (e: PresenceError) => errors.push(e)
    createSupabaseTransport(plain, { onError })
    createSupabaseTransport(plain, { onError })
    expect(errors).toHaveLength(1)
    expect(errors[0]?.message).toMatch(/fixed schedule/)

    const jittered = createClient(URL, KEY, {
      ...NO_SESSION,
      realtime: { transport: WebSocket as never, reconnectAfterMs: fullJitterReconnect() },
    })
    const onErrorJittered = vi.fn()
    createSupabaseTransport(jittered, { onError: onErrorJittered })
    createSupabaseTransport(createPresenceSupabaseClient(URL, KEY, NO_SESSION), {
      onError: onErrorJittered,
    })
    expect(onErrorJittered).not.toHaveBeenCalled()
  })
})
