/** The home page: the board of the example's one wedding. */
import { redirect } from 'next/navigation'
import { WEDDINGS } from '../lib/cast'

export default function Home(): never {
  redirect(`/weddings/${WEDDINGS[0]!.id}`)
}
