import { createMemoryWebhookStore } from './webhook-store.js'
import { runWebhookStoreContract } from './webhook-store-contract.js'

runWebhookStoreContract(
  'memory',
  async () => {
    const store = createMemoryWebhookStore()
    return { store, sibling: async () => store }
  },
  { concurrent: true },
)
