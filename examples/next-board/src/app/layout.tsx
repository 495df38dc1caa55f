/**
 * The root layout: the document, Tailwind's stylesheet, and the page's frame. A server
 * component; nothing here reads the request.
 */
import type { Metadata } from 'next'
import type { ReactNode } from 'react'
import './globals.css'

export const metadata: Metadata = {
  title: 'WedSync · Team board',
  description: 'Who on the wedding team is around, on Next.js with WedSync Presence',
}

export default function RootLayout({ children }: { readonly children: ReactNode }) {
  return (
    <html lang="en-GB">
      <body className="min-h-screen bg-stone-50 font-sans text-stone-900 antialiased">
        {children}
      </body>
    </html>
  )
}
