/**
 * `@wedsync/presence-core/trust-node`: the `node:crypto` signing suite for verified clients that
 * run in Node. Pass it as `createSessionTrust({ ..., suite: createNodeCryptoSuite() })`.
 */
export { createNodeCryptoSuite } from './trust/signature-suite-node.js'
