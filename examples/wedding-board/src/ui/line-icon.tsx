/** The board's one icon frame: a 16 × 16 line drawing in the text colour, hidden from screen readers. */
import type { ReactNode } from 'react'

export function LineIcon({
  className,
  strokeWidth = 1.4,
  children,
}: {
  className: string
  strokeWidth?: number
  children: ReactNode
}) {
  return (
    <svg
      className={className}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={strokeWidth}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  )
}
