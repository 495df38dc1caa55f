/**
 * The top bar's word on verification: "Verified" (with a count of updates dropped because they did
 * not verify) or "Unverified". The explanation is the badge's accessible description and tooltip;
 * the count is not a live region, so a flood of forged updates is never read out one by one.
 */
import { useId, useSyncExternalStore } from 'react'
import { describeTrust, type TrustMonitor } from '../trust-monitor.js'
import { LineIcon } from './line-icon.js'

export function TrustBadge({ monitor }: { monitor: TrustMonitor }) {
  const report = useSyncExternalStore(monitor.subscribe, monitor.current)
  const descriptionId = useId()
  const description = describeTrust(report)
  const verified = report.mode === 'verified'
  return (
    <span
      className={`trust trust-${report.mode}`}
      title={description}
      aria-describedby={descriptionId}
    >
      <LineIcon className="trust-icon">
        <path d="M8 1.75 13 3.5v4c0 3.1-2.1 5.6-5 6.75C5.1 13.1 3 10.6 3 7.5v-4L8 1.75Z" />
        {verified && <path d="m5.75 8 1.6 1.6 2.9-3.1" />}
      </LineIcon>
      {verified ? 'Verified' : 'Unverified'}
      {verified && report.dropped > 0 && (
        <span className="trust-dropped">· {report.dropped} dropped</span>
      )}
      <span id={descriptionId} hidden>
        {description}
      </span>
    </span>
  )
}
