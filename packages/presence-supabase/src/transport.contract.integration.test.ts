/**
 * The transport contract against real supabase-js clients and the local Realtime server: every
 * connection is its own Supabase client (its own socket); `reconnect` terminates that socket the
 * way a dropped network does, and realtime-js reconnects and rejoins.
 */
import type { PresenceTransport } from '@wedsync/presence-core'
import {
  runTransportContract,
  type TransportContractContext,
  verifiedContractContext,
} from '@wedsync/presence-testing/contract'
import { startRealtimeServer } from '@wedsync/presence-testing/server'
import { errorLog, openSupabase, type TestSupabase } from '../test/test-supabase.js'
import { createSupabaseTransport } from './transport.js'

/** The context for one test: a fresh server, a Supabase client per connection. */
async function supabaseContext(): Promise<
  Omit<TransportContractContext, 'connect'> & { connect(label: string): PresenceTransport }
> {
  const server = await startRealtimeServer()
  const clients = new Map<string, TestSupabase>()
  const log = errorLog()
  return {
    connect(label) {
      const client = openSupabase(server.url)
      clients.set(label, client)
      return createSupabaseTransport(client.supabase, { onError: log.onError })
    },
    reconnect(label) {
      clients.get(label)?.cut()
    },
    async cleanup() {
      for (const client of clients.values()) client.dispose()
      await server.stop()
      // Nothing the server sent was malformed, so nothing may have been dropped or reported.
      if (log.errors.length > 0)
        throw new Error(`the transport reported: ${log.errors.map((e) => e.message).join('; ')}`)
    },
  }
}

runTransportContract({
  name: 'supabase-js over the local Realtime server',
  makeContext: supabaseContext,
})

// Both trust modes: signed metas, envelopes and receipts cross Supabase (whose server re-orders
// keys and re-encodes JSON) and verify, with nothing dropped.
runTransportContract({
  name: 'verified, supabase-js over the local Realtime server',
  makeContext: async () => verifiedContractContext(await supabaseContext()),
})
