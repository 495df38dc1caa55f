/**
 * @wedsync/presence-testing — fakes for presence tests: a fake clock and scheduler, a fake
 * activity source, an in-memory transport hub with fault controls, and probes to wait on rooms.
 * The transport contract suite is a separate entry: `@wedsync/presence-testing/contract`.
 */
export {
  createTestIssuer,
  type IssueOptions,
  TEST_ISSUER,
  type TestIssuer,
} from './credential-issuer.js'
export { createDeferred, type Deferred } from './deferred.js'
export {
  createFakeActivity,
  type FakeActivity,
  type FakeActivityOptions,
} from './fake-activity.js'
export { createFakeClock, FAKE_CLOCK_START, type FakeClock } from './fake-clock.js'
export type { HubFaults } from './fault-plan.js'
export {
  type HubStats,
  PRESENCE_LIMIT_REASON,
  TRACK_REFUSED_REASON,
  type TrackPolicy,
  type TrackRequest,
} from './hub-engine.js'
export {
  createMemoryHub,
  type DisconnectOptions,
  type MemoryHub,
  type MemoryHubOptions,
  type MemoryTransport,
} from './memory-hub.js'
export { createPrng } from './prng.js'
export {
  type ProbeEntry,
  probeRoom,
  type RoomProbe,
  type RoomProbeOptions,
} from './room-probe.js'
export { type PresenceLimit, SUPABASE_PRESENCE_LIMIT } from './sliding-window.js'
