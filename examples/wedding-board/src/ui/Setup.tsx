/** Shown when the board was started without a Realtime address. */
export function Setup() {
  return (
    <main className="setup">
      <h1>Connect the board to Realtime</h1>
      <p>
        Run <code>pnpm demo</code> from the repository root: it starts a local Realtime server, this
        board and a crowd of simulated suppliers.
      </p>
      <p>
        To use a Supabase project instead, set <code>VITE_SUPABASE_URL</code> and{' '}
        <code>VITE_SUPABASE_ANON_KEY</code> and start the board again.
      </p>
    </main>
  )
}
