import type { ReachGroup } from '../reach.js'
import { LineIcon } from './line-icon.js'

/** Message bubble (now), note (soon), phone (elsewhere): next to the words, never instead. */
export function ReachIcon({ group }: { group: ReachGroup }) {
  return (
    <LineIcon className="reach-icon">
      {group === 'now' && <path d="M2.5 3.5h11v7h-6l-3 2.5v-2.5h-2z" />}
      {group === 'soon' && (
        <>
          <path d="M3.5 2.5h6l3 3v8h-9z" />
          <path d="M9.5 2.5v3h3M5.5 8.5h5M5.5 11h3" />
        </>
      )}
      {group === 'elsewhere' && (
        <path d="M4 2.5h2.2l1 3-1.4 1a7 7 0 0 0 3.7 3.7l1-1.4 3 1v2.2a1.5 1.5 0 0 1-1.6 1.5A10.5 10.5 0 0 1 2.5 4.1 1.5 1.5 0 0 1 4 2.5z" />
      )}
    </LineIcon>
  )
}
