import { describe, expect, it } from 'vitest'
import { classifyEvent, DEFAULT_CLASSIFY_RULES } from './classify.js'

describe('classifyEvent', () => {
  it.each([
    [
      { summary: 'Smith & Jones wedding ceremony', location: 'Oakwood Barn, Mill Lane' },
      'ceremony',
      'In a ceremony — Oakwood Barn',
    ],
    [{ summary: 'Vows at St Mary’s' }, 'ceremony', 'In a ceremony — St Mary’s'],
    [
      { summary: 'Engagement shoot', location: 'Hyde Park, London' },
      'shoot',
      'On a shoot — Hyde Park',
    ],
    [{ summary: 'Wedding shoot — Patel' }, 'shoot', 'On a shoot'],
    [
      { summary: 'Venue visit at Riverside Hall' },
      'venue-visit',
      'At a venue visit — Riverside Hall',
    ],
    [
      { summary: 'Final walkthrough for the wedding', location: 'Oakwood Barn' },
      'venue-visit',
      'At a venue visit — Oakwood Barn',
    ],
    [
      { summary: 'Client consultation — bouquet designs', location: 'The Studio' },
      'consultation',
      'In a client consultation — The Studio',
    ],
    [{ summary: 'Menu tasting' }, 'consultation', 'In a client consultation'],
    [{ summary: 'Supplier meeting with the caterer' }, 'supplier-meeting', 'In a supplier meeting'],
    [
      { summary: 'Planning meeting', location: 'Zoom' },
      'supplier-meeting',
      'In a supplier meeting — Zoom',
    ],
    [
      { summary: 'Call', description: 'Vendor call about the marquee' },
      'supplier-meeting',
      'In a supplier meeting',
    ],
  ] as const)('%j is a %s', (event, kind, text) => {
    expect(classifyEvent(event)).toMatchObject({ kind, text })
  })

  it('keeps an unclassified event private: "Busy", no title, no place', () => {
    expect(classifyEvent({ summary: 'Dentist', location: '12 High St' })).toEqual({
      kind: 'other',
      text: 'Busy',
      emoji: '📅',
    })
    expect(classifyEvent({}, { otherText: 'In a meeting' }).text).toBe('In a meeting')
  })

  it('can leave the place out, take other rules, and never passes markup or control characters', () => {
    expect(
      classifyEvent({ summary: 'Ceremony', location: 'Oakwood Barn' }, { includeLocation: false })
        .text,
    ).toBe('In a ceremony')
    const rules = [{ kind: 'ceremony' as const, match: /\bcérémonie\b/i, text: 'En cérémonie' }]
    expect(classifyEvent({ summary: 'Cérémonie civile' }, { rules })).toEqual({
      kind: 'ceremony',
      text: 'En cérémonie',
    })
    const nasty = classifyEvent({
      summary: 'Ceremony',
      location: `<img src=x onerror=alert(1)>\u0007\u202e${'x'.repeat(500)}`,
    })
    expect([...nasty.text].filter((c) => c < ' ' || c === '\u202e')).toEqual([])
    expect(nasty.text.length).toBeLessThanOrEqual(100)
    expect(DEFAULT_CLASSIFY_RULES.map((r) => r.kind)).toEqual([
      'venue-visit',
      'consultation',
      'supplier-meeting',
      'shoot',
      'ceremony',
    ])
  })
})
