/**
 * A presence client in its own Node process, for tests that kill or freeze it: one supabase-js
 * client, one PresenceClient in one room. Tells its parent over IPC when the room is joined.
 * Arguments: <server url> <room id> <user id> [heartbeat policy as JSON].
 */
import { createPresenceClient, type HeartbeatPolicy } from '@wedsync/presence-core'
import { createSupabaseTransport } from '../src/transport.js'
import { openSupabase } from './test-supabase.js'

const [url, roomId, userId, heartbeatJson] = process.argv.slice(2)
if (!url || !roomId || !userId) throw new Error('usage: <url> <room id> <user id> [heartbeat]')
const heartbeat = heartbeatJson ? (JSON.parse(heartbeatJson) as Partial<HeartbeatPolicy>) : {}
const supabase = openSupabase(url)
const client = createPresenceClient({
  transport: createSupabaseTransport(supabase.supabase, { onError: (e) => console.error(e) }),
  userId,
  heartbeat,
})
const room = client.enter(roomId, { activity: { action: 'viewing', target: 'timeline' } })
room.on('connection', (status) => {
  if (status === 'joined') process.send?.({ type: 'joined', sessionId: client.sessionId })
})
// Never outlive the test that started it.
process.on('disconnect', () => process.exit(0))
