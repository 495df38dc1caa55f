/**
 * `@wedsync/presence-core/browser`: the DOM-backed parts of the core, kept out of the main entry so
 * that entry stays free of DOM access. Safe to import during server-side rendering.
 */
export {
  createDomActivitySource,
  type DomActivitySource,
  type DomActivitySourceOptions,
  type DomDocumentLike,
  type DomEventTargetLike,
  type DomWindowLike,
} from './browser/dom-activity.js'
export type { ActivitySignal, ActivitySource } from './ports.js'
