/**
 * Shown to a visitor with no session (or one not on the wedding's team): the seeded suppliers to
 * be, through the dev-only sign-in. A server component.
 */
import { supplierById, type Wedding } from '../lib/cast'
import { Avatar } from './status-pill'

export function SignInChooser({
  wedding,
  path,
}: {
  readonly wedding: Wedding
  readonly path: string
}) {
  return (
    <main className="mx-auto max-w-md px-6 py-16">
      <h1 className="text-2xl font-semibold tracking-tight">{wedding.couple}&rsquo;s team board</h1>
      <p className="mt-2 text-stone-600">
        Sign in as one of the suppliers (a development stand-in for Supabase Auth):
      </p>
      <ul className="mt-6 divide-y divide-stone-200 rounded-2xl border border-stone-200 bg-white">
        {wedding.team.map((id) => {
          const supplier = supplierById(id)!
          return (
            <li key={id}>
              <a
                className="flex items-center gap-3 px-4 py-3 hover:bg-stone-50"
                href={`${path}?as=${id}`}
              >
                <Avatar name={supplier.name} />
                <span>
                  <span className="block font-medium">{supplier.name}</span>
                  <span className="block text-sm text-stone-500">{supplier.role}</span>
                </span>
              </a>
            </li>
          )
        })}
      </ul>
    </main>
  )
}
