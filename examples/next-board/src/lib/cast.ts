/**
 * The example's own data: one wedding and the suppliers on its team, with the privacy each has
 * chosen. In a real app this is the app's database (team_members is written by the app, with the
 * service role); presence only says how each of these people is right now. Shared by the server
 * (seed, sign-in, the page) and the browser (names in the live roster): plain data, no imports.
 */

export interface Supplier {
  readonly userId: string
  readonly name: string
  readonly role: string
}

export interface Wedding {
  readonly id: string
  readonly couple: string
  readonly date: string
  readonly venue: string
  /** Everyone on the wedding's team, in call-sheet order. */
  readonly team: readonly string[]
}

export const SUPPLIERS: readonly Supplier[] = [
  { userId: 'u-maya', name: 'Maya Okafor', role: 'Venue coordinator' },
  { userId: 'u-priya', name: 'Priya Shah', role: 'Photographer' },
  { userId: 'u-tom', name: 'Tom Becker', role: 'Florist' },
  { userId: 'u-sofia', name: 'Sofia Marin', role: 'Wedding planner' },
  { userId: 'u-kofi', name: 'Kofi Mensah', role: 'DJ' },
]

export const WEDDINGS: readonly Wedding[] = [
  {
    id: '123',
    couple: 'Ana & Ben',
    date: '2026-06-20',
    venue: 'Hartwell House',
    team: ['u-maya', 'u-priya', 'u-tom', 'u-sofia', 'u-kofi'],
  },
]

export function supplierById(userId: string): Supplier | undefined {
  return SUPPLIERS.find((s) => s.userId === userId)
}

export function weddingById(id: string): Wedding | undefined {
  return WEDDINGS.find((w) => w.id === id)
}

/** The presence room (and team id in team_members) of a wedding. */
export const roomOf = (wedding: Pick<Wedding, 'id'>): string => `wedding:${wedding.id}`
