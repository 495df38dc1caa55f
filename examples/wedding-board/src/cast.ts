/**
 * The example's own data: two weddings and the suppliers who work on them. In WedSync this comes
 * from the app's database; presence only says how each of these people is right now. Contacts use
 * reserved fictional numbers (Ofcom's 07700 900xxx drama range) and example.com addresses.
 */

export interface Supplier {
  readonly userId: string
  readonly name: string
  readonly role: string
  readonly phone: string
  readonly email: string
}

export interface Wedding {
  readonly id: string
  readonly couple: string
  /** ISO date of the day itself. */
  readonly date: string
  readonly venue: string
  readonly ceremony: string
  /** Everyone who works on this wedding, in call-sheet order. */
  readonly team: readonly string[]
}

const supplier = (userId: string, name: string, role: string, phone: string): Supplier => ({
  userId,
  name,
  role,
  phone,
  email: `${name.split(' ')[0]!.toLowerCase()}@example.com`,
})

export const SUPPLIERS: readonly Supplier[] = [
  supplier('u-venue', 'Maya Okafor', 'Venue coordinator', '07700 900101'),
  supplier('u-planner', 'Sofia Marin', 'Wedding planner', '07700 900102'),
  supplier('u-photo', 'Priya Shah', 'Photographer', '07700 900103'),
  supplier('u-florist', 'Tom Becker', 'Florist', '07700 900104'),
  supplier('u-caterer', 'Oskar Lindqvist', 'Caterer', '07700 900105'),
  supplier('u-dj', 'Kofi Mensah', 'DJ', '07700 900106'),
  supplier('u-baker', 'Lena Fischer', 'Cake maker', '07700 900107'),
  supplier('u-hair', 'Inès Duarte', 'Hair & make-up', '07700 900108'),
]

export const WEDDINGS: readonly Wedding[] = [
  {
    id: '123',
    couple: 'Ana & Ben',
    date: '2026-06-13',
    venue: 'The Old Mill, Bath',
    ceremony: '14:00',
    team: ['u-venue', 'u-planner', 'u-photo', 'u-florist', 'u-caterer', 'u-dj'],
  },
  {
    id: '456',
    couple: 'Chloé & Dev',
    date: '2026-06-14',
    venue: 'Harbour House, Bristol',
    ceremony: '15:30',
    team: ['u-venue', 'u-photo', 'u-caterer', 'u-dj', 'u-baker', 'u-hair'],
  },
]

const byId = new Map(SUPPLIERS.map((s) => [s.userId, s]))

export function supplierById(userId: string): Supplier | undefined {
  return byId.get(userId)
}

export function weddingById(id: string): Wedding | undefined {
  return WEDDINGS.find((w) => w.id === id)
}

/** The presence room of a wedding: one room per wedding (SPEC 11). */
export function roomOf(weddingId: string): string {
  return `wedding:${weddingId}`
}

/** The weddings a supplier works on, in the order above. */
export function weddingsOf(userId: string): readonly Wedding[] {
  return WEDDINGS.filter((w) => w.team.includes(userId))
}
