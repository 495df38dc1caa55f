/**
 * @wedsync/presence-server/node — Node's http server in front of the handlers.
 */
export {
  type NodeListener,
  type NodeListenerOptions,
  type RunningServer,
  type ServeOptions,
  servePresence,
  toNodeListener,
} from './http/node-adapter.js'
