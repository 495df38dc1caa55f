import type { PrivacySettings } from '@wedsync/presence-core'

const SWITCHES: readonly {
  key: 'appearOffline' | 'showActivity' | 'showLastSeen'
  label: string
  hint: string
  /** Whether the switch is on when the setting is unset. */
  on: boolean
}[] = [
  {
    key: 'appearOffline',
    label: 'Appear offline',
    hint: 'Nothing about you is sent; you still see the team',
    on: false,
  },
  {
    key: 'showActivity',
    label: 'Share what I’m viewing',
    hint: 'Others see “Viewing the timeline”',
    on: true,
  },
  {
    key: 'showLastSeen',
    label: 'Share when I was last active',
    hint: 'Others see “active 5 min ago”',
    on: true,
  },
]

/** Privacy is applied where data leaves this device: what is switched off is never published. */
export function PrivacyPanel({
  privacy,
  onChange,
}: {
  privacy: PrivacySettings
  onChange: (privacy: PrivacySettings) => void
}) {
  return (
    <section className="card" aria-labelledby="privacy-heading">
      <h2 id="privacy-heading" className="card-title">
        Privacy
      </h2>
      <p className="card-sub">Applied on your device: what you switch off is never sent.</p>
      <div className="switches">
        {SWITCHES.map((s) => {
          const checked = privacy[s.key] ?? s.on
          return (
            <label key={s.key} className="switch-row">
              <span className="switch-text">
                <span className="switch-label">{s.label}</span>
                <span className="switch-hint">{s.hint}</span>
              </span>
              <input
                type="checkbox"
                role="switch"
                aria-checked={checked}
                className="toggle"
                checked={checked}
                onChange={(event) => onChange({ ...privacy, [s.key]: event.target.checked })}
              />
            </label>
          )
        })}
      </div>
    </section>
  )
}
