import { runPresenceStoreContract } from './store-contract.js'
import { createMemoryStore } from './store-memory.js'

runPresenceStoreContract('memory', async () => ({ store: createMemoryStore() }))
