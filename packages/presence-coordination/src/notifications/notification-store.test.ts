import { createMemoryStore } from '@wedsync/presence-server'
import { runNotificationCrashScenario } from '../../test/notification-crash.js'
import { createMemoryNotificationStore } from './notification-store.js'
import { runNotificationStoreContract } from './notification-store-contract.js'

runNotificationStoreContract(
  'memory',
  async () => {
    const store = createMemoryNotificationStore()
    return { store, sibling: async () => store }
  },
  { concurrent: true },
)

runNotificationCrashScenario('memory', async () => {
  const store = createMemoryNotificationStore()
  return { notifications: async () => store, presence: createMemoryStore() }
})
