import type { ManualStatus } from '@wedsync/presence-core'
import { useMyPresence } from '@wedsync/presence-react'
import { type ReactNode, useId, useState } from 'react'
import { STATUS_LABEL } from '../reach.js'
import { untilText } from './format.js'
import { StatusPill } from './StatusPill.js'

const MODES: readonly { value: ManualStatus | 'automatic'; label: string; hint: string }[] = [
  { value: 'automatic', label: 'Automatic', hint: 'Online or idle from your activity' },
  { value: 'busy', label: 'Busy', hint: 'Do not disturb: routine messages wait' },
  { value: 'away', label: 'Away', hint: 'Be right back' },
]

const PRESETS = [
  { emoji: '📍', text: 'At a venue' },
  { emoji: '🚗', text: 'Driving' },
  { emoji: '📞', text: 'On a call' },
] as const

const MINUTE = 60_000
/** When a custom status clears itself, from the moment it is set. */
const EXPIRIES: readonly {
  value: string
  label: string
  at: (now: number) => number | undefined
}[] = [
  { value: '30m', label: 'In 30 minutes', at: (now) => now + 30 * MINUTE },
  { value: '1h', label: 'In 1 hour', at: (now) => now + 60 * MINUTE },
  { value: '4h', label: 'In 4 hours', at: (now) => now + 240 * MINUTE },
  {
    value: 'today',
    label: 'At the end of today',
    // Midnight that ends today: always ahead of `now` (23:59 was already past in the last minute).
    at: (now) => new Date(now).setHours(24, 0, 0, 0),
  },
  { value: 'never', label: 'Don’t clear', at: () => undefined },
]

/** A labelled form control: the label names the control it wraps (by id). */
function Field({
  label,
  className,
  children,
}: {
  label: string
  className: string
  children: (id: string) => ReactNode
}) {
  const id = useId()
  return (
    <div className={`field ${className}`}>
      <label htmlFor={id} className="label-sm">
        {label}
      </label>
      {children(id)}
    </div>
  )
}

export function MyStatusPanel() {
  const [me, { setStatus, setCustomStatus }] = useMyPresence()
  const [emoji, setEmoji] = useState('📍')
  const [text, setText] = useState('')
  const [expiry, setExpiry] = useState('1h')
  const mode = me.manualStatus ?? 'automatic'
  const custom = me.customStatus

  const save = () => {
    const clean = text.trim()
    if (!clean) return
    const expiresAt = EXPIRIES.find((e) => e.value === expiry)?.at(Date.now())
    setCustomStatus({
      text: clean,
      ...(emoji.trim() && { emoji: emoji.trim() }),
      ...(expiresAt !== undefined && { expiresAt }),
    })
    setText('')
  }

  return (
    <section className="card" aria-labelledby="my-status-heading">
      <div className="card-head">
        <h2 id="my-status-heading" className="card-title">
          Your status
        </h2>
        <StatusPill status={me.status} />
      </div>
      <fieldset className="modes">
        <legend className="label">Show me as</legend>
        {MODES.map((m) => (
          <label key={m.value} className="mode">
            <input
              type="radio"
              name="my-status"
              value={m.value}
              checked={mode === m.value}
              onChange={() => setStatus(m.value === 'automatic' ? null : m.value)}
            />
            <span className="mode-text">
              <span className="mode-label">{m.label}</span>
              <span className="mode-hint">{m.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {me.appearOffline && (
        <p className="notice">
          You appear offline to everyone: your status is not shared ({STATUS_LABEL[me.status]}{' '}
          here).
        </p>
      )}
      <div className="custom">
        <p className="label">Custom status</p>
        {custom ? (
          <div className="custom-current">
            <span>
              {custom.emoji && <span aria-hidden="true">{custom.emoji} </span>}
              {custom.text}
              {untilText(custom) && <span className="muted"> · {untilText(custom)}</span>}
            </span>
            <button type="button" className="btn btn-quiet" onClick={() => setCustomStatus(null)}>
              Clear
            </button>
          </div>
        ) : (
          <p className="muted small">None set</p>
        )}
        <div className="presets">
          {PRESETS.map((p) => (
            <button
              key={p.text}
              type="button"
              className="chip"
              onClick={() => {
                setEmoji(p.emoji)
                setText(p.text)
              }}
            >
              <span aria-hidden="true">{p.emoji}</span> {p.text}
            </button>
          ))}
        </div>
        <form
          className="custom-form"
          onSubmit={(event) => {
            event.preventDefault()
            save()
          }}
        >
          <Field label="Emoji" className="field-emoji">
            {(id) => (
              <input
                id={id}
                className="input"
                value={emoji}
                maxLength={8}
                onChange={(event) => setEmoji(event.target.value)}
              />
            )}
          </Field>
          <Field label="What’s happening" className="field-text">
            {(id) => (
              <input
                id={id}
                className="input"
                value={text}
                maxLength={100}
                placeholder="At a venue until 15:00"
                onChange={(event) => setText(event.target.value)}
              />
            )}
          </Field>
          <Field label="Clear" className="field-expiry">
            {(id) => (
              <select
                id={id}
                className="input"
                value={expiry}
                onChange={(event) => setExpiry(event.target.value)}
              >
                {EXPIRIES.map((e) => (
                  <option key={e.value} value={e.value}>
                    {e.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" className="btn btn-primary" disabled={!text.trim()}>
            Set status
          </button>
        </form>
      </div>
    </section>
  )
}
