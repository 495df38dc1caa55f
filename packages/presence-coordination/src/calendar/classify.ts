/**
 * What a wedding supplier's calendar event is, from its text: a ceremony, a shoot, a venue visit,
 * a client consultation or a supplier meeting, turned into the custom status others see ("In a
 * ceremony — Oakwood Barn"). English keywords by default; the rules are data, so an app can give
 * its own. An event that matches nothing shows only "Busy": its title and place stay private.
 */
import { sanitizeEmoji, sanitizeStatusText } from '@wedsync/presence-server'

export type CalendarEventKind =
  | 'ceremony'
  | 'shoot'
  | 'venue-visit'
  | 'consultation'
  | 'supplier-meeting'
  | 'other'

export interface ClassifyRule {
  readonly kind: Exclude<CalendarEventKind, 'other'>
  /** Tested against the summary, then the description. */
  readonly match: RegExp
  /** The status text, e.g. "In a ceremony". */
  readonly text: string
  readonly emoji?: string
}

/** In order: the first rule that matches wins, so the specific ones come first. */
export const DEFAULT_CLASSIFY_RULES: readonly ClassifyRule[] = [
  {
    kind: 'venue-visit',
    match:
      /\b(venue (visit|viewing|tour|walk-?through|recce|check)|site (visit|inspection)|walk-?through|recce|show-?round)\b/i,
    text: 'At a venue visit',
    emoji: '🏛️',
  },
  {
    kind: 'consultation',
    match:
      /\b(consult(ation)?s?|client (meeting|call)|couple'?s? (meeting|call)|discovery call|tasting|(hair|make-?up|bridal|dress) trial|bridal appointment)\b/i,
    text: 'In a client consultation',
    emoji: '💬',
  },
  {
    kind: 'supplier-meeting',
    match:
      /\b((supplier|vendor)s?'? (meeting|call|sync|catch-?up|briefing)|(planning|coordination|production) meeting)\b/i,
    text: 'In a supplier meeting',
    emoji: '🤝',
  },
  {
    kind: 'shoot',
    match: /\b(photo-?shoot|shoot(ing)?|e-?session|engagement session|portraits?|filming)\b/i,
    text: 'On a shoot',
    emoji: '📸',
  },
  {
    kind: 'ceremony',
    match: /\b(ceremony|wedding|nuptials|vows|elopement|handfasting|reception|rehearsal)\b/i,
    text: 'In a ceremony',
    emoji: '💒',
  },
]

export interface Classification {
  readonly kind: CalendarEventKind
  /** "In a ceremony — Oakwood Barn": sanitized plain text, within the custom status limits. */
  readonly text: string
  readonly emoji?: string
}

export interface ClassifyOptions {
  readonly rules?: readonly ClassifyRule[]
  /** Add where it is ("— Oakwood Barn") for a classified event. Default true. */
  readonly includeLocation?: boolean
  /** Text for an event no rule matches. Default "Busy". */
  readonly otherText?: string
}

export interface ClassifiableEvent {
  readonly summary?: string
  readonly location?: string
  readonly description?: string
}

/** The place: LOCATION's first part ("Oakwood Barn, Mill Lane, Kent"), else "… at <place>". */
function placeOf(event: ClassifiableEvent): string | undefined {
  const fromLocation = event.location?.split(/[,\n]/)[0]?.trim()
  if (fromLocation) return fromLocation
  const inSummary = /\s(?:at|@)\s+(.+)$/i.exec(event.summary ?? '')
  return inSummary?.[1]?.trim() || undefined
}

export function classifyEvent(
  event: ClassifiableEvent,
  options: ClassifyOptions = {},
): Classification {
  const rules = options.rules ?? DEFAULT_CLASSIFY_RULES
  const rule =
    rules.find((r) => r.match.test(event.summary ?? '')) ??
    rules.find((r) => r.match.test(event.description ?? ''))
  if (!rule)
    return { kind: 'other', text: sanitizeStatusText(options.otherText ?? 'Busy'), emoji: '📅' }
  const place = options.includeLocation === false ? undefined : placeOf(event)
  const text = sanitizeStatusText(place ? `${rule.text} — ${place}` : rule.text)
  const emoji = rule.emoji === undefined ? undefined : sanitizeEmoji(rule.emoji)
  return { kind: rule.kind, text, ...(emoji === undefined ? {} : { emoji }) }
}
