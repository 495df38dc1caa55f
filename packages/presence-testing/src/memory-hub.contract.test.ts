import { systemClock, systemScheduler } from '@wedsync/presence-core'
import { runTransportContract } from './contract.js'
import { createMemoryHub, type MemoryHub } from './memory-hub.js'

runTransportContract({
  name: 'memory hub',
  async makeContext() {
    // Real 0 ms timers: the suite must pass without fake time, as it will over a real network.
    const hub: MemoryHub = createMemoryHub({ clock: systemClock, scheduler: systemScheduler })
    return {
      connect: (label) => hub.connect(label),
      reconnect(label) {
        hub.disconnect(label)
        hub.reconnect(label)
      },
      async cleanup() {
        hub.dispose()
      },
    }
  },
})
