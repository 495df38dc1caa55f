import { formatTime } from './format.js'
import type { AvailabilityView } from './use-team-availability.js'

/** The team icon: three heads, the middle one in front. */
function TeamIcon() {
  return (
    <svg
      viewBox="0 0 24 24"
      className="availability-icon"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      aria-hidden="true"
      focusable="false"
    >
      <circle cx="12" cy="8.5" r="3.2" />
      <path d="M6 19.5c.6-3.2 3-5 6-5s5.4 1.8 6 5" />
      <circle cx="5.2" cy="10" r="2.2" />
      <circle cx="18.8" cy="10" r="2.2" />
      <path d="M1.8 17.5c.4-2 1.7-3.2 3.4-3.4M22.2 17.5c-.4-2-1.7-3.2-3.4-3.4" />
    </svg>
  )
}

/**
 * The one-sentence answer to "who can I reach, and when is everyone else back?", from the presence
 * API's team availability: the same sentence a dashboard or an assistant would give.
 */
export function AvailabilityCard({ view }: { view: AvailabilityView }) {
  const summary = view.status === 'ready' || view.status === 'failed' ? view.summary : undefined
  return (
    <section
      className={`availability availability-${view.status}`}
      aria-labelledby="availability-title"
    >
      <TeamIcon />
      <div className="availability-body">
        <h2 id="availability-title" className="availability-label">
          Team availability
        </h2>
        <p className="availability-sentence" aria-live="polite">
          {summary
            ? summary.summary
            : view.status === 'off'
              ? 'Not available on this board'
              : view.status === 'loading'
                ? 'Working it out…'
                : 'Not available right now'}
        </p>
        <p className="availability-meta">
          {view.status === 'ready' && (
            <>From live presence and recorded history · updated {formatTime(view.at)}</>
          )}
          {view.status === 'failed' && (
            <>
              <span className="error">Could not refresh: {view.error}</span>
              {summary && ' · showing the last answer'}
            </>
          )}
          {view.status === 'off' && (
            <>
              Needs the presence API, which <code>pnpm demo</code> runs. Presence and receipts below
              are live.
            </>
          )}
          {view.status === 'loading' && <>Asking the presence API…</>}
        </p>
      </div>
    </section>
  )
}
