import react from '@vitejs/plugin-react'
import { defaultClientConditions, defineConfig } from 'vite'

// The workspace packages are read from their TypeScript source (the `@wedsync/source` export
// condition), so the board runs and reloads without building them first. Where Realtime is comes
// from VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY (`pnpm demo` sets them to its local server).
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['@wedsync/source', ...defaultClientConditions] },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: {
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Libraries change less often than the board: separate files cache separately.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'supabase', test: /node_modules[\\/]@supabase[\\/]/ },
          ],
        },
      },
    },
  },
})
