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
