import { createMemoryHub } from '@wedsync/presence-testing'
import { runTransportContract, verifiedContractContext } from '@wedsync/presence-testing/contract'
import { systemClock, systemScheduler } from '../ports.js'

// The contract in the verified trust mode: signing and verifying change nothing a transport
// promises (order, echo, sync after every join) over the memory hub. Real timers, as over a network.
runTransportContract({
  name: 'verifying transport over the memory hub',
  async makeContext() {
    const hub = createMemoryHub({ clock: systemClock, scheduler: systemScheduler })
    return verifiedContractContext({
      connect: (label) => hub.connect(label),
      reconnect(label) {
        hub.disconnect(label)
        hub.reconnect(label)
      },
      async cleanup() {
        hub.dispose()
      },
    })
  },
})
