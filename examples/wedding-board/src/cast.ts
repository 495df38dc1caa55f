/**
 * The example's own data: two weddings and the suppliers who work on them. In WedSync this comes
 * from the app's database; presence only says how each of these people is right now. Contacts use
 * reserved fictional numbers (Ofcom's 07700 900xxx drama range) and example.com addresses.
 */

/** How the app reaches someone who is not in it: the router's fallback route, per person. */
export type FallbackChannel = 'sms' | 'email'

export interface Supplier {
  readonly userId: string
  readonly name: string
  readonly role: string
  /** The role in a sentence: "the florist is busy until 15:30". */
  readonly roleNoun: string
  readonly phone: string
  readonly email: string
  /** Suppliers on their feet at venues get a text; the others an email. */
  readonly fallback: FallbackChannel
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

type SupplierCard = Omit<Supplier, 'email'>

/** The email address is the first name at example.com. */
const supplier = (card: SupplierCard): Supplier => ({
  ...card,
  email: `${card.name.split(' ')[0]!.toLowerCase()}@example.com`,
})

// Role nouns are what the sentences say: "the planner", "the DJ".
export const SUPPLIERS: readonly Supplier[] = (
  [
    ['u-venue', 'Maya Okafor', 'Venue coordinator', 'venue coordinator', '900101', 'email'],
    ['u-planner', 'Sofia Marin', 'Wedding planner', 'planner', '900102', 'email'],
    ['u-photo', 'Priya Shah', 'Photographer', 'photographer', '900103', 'sms'],
    ['u-florist', 'Tom Becker', 'Florist', 'florist', '900104', 'sms'],
    ['u-caterer', 'Oskar Lindqvist', 'Caterer', 'caterer', '900105', 'sms'],
    ['u-dj', 'Kofi Mensah', 'DJ', 'DJ', '900106', 'sms'],
    ['u-baker', 'Lena Fischer', 'Cake maker', 'cake maker', '900107', 'email'],
    ['u-hair', 'Inès Duarte', 'Hair & make-up', 'hair and make-up artist', '900108', 'email'],
  ] as const
).map(([userId, name, role, roleNoun, phone, fallback]) =>
  supplier({ userId, name, role, roleNoun, phone: `07700 ${phone}`, fallback }),
)

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

/** The presence server's team of a wedding: everyone on it, for availability and routing. */
export function teamIdOf(weddingId: string): string {
  return `wedding-${weddingId}`
}

/** The weddings a supplier works on, in the order above. */
export function weddingsOf(userId: string): readonly Wedding[] {
  return WEDDINGS.filter((w) => w.team.includes(userId))
}
