import { createMemoryStore } from './memory-store.js'
import { runPresenceStoreContract } from './store-contract.js'

runPresenceStoreContract('memory', async () => ({ store: createMemoryStore() }))
