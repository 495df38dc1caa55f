/**
 * Dev-only sign-in, a stand-in for Supabase Auth: `GET /api/dev/sign-in?as=u-priya&next=/…`
 * signs the seeded supplier in with an access token shaped as Supabase Auth issues them (HS256,
 * `sub`, `role: authenticated`), signed with SUPABASE_JWT_SECRET (the local Realtime server's
 * development secret under `pnpm dev` and the test), keeps it in an httpOnly cookie, and sends
 * the browser back to `next`. There are no passwords because the example has no accounts. It
 * answers 404 unless BOARD_DEV_SIGN_IN=1: a real deployment has no such route.
 */
import { SignJWT } from 'jose'
import { NextResponse } from 'next/server'
import { supplierById } from '../../../../lib/cast'
import { devSignInEnabled, jwtSecret } from '../../../../lib/server-env'
import { SESSION_COOKIE } from '../../../../lib/viewer'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/** A demo afternoon without a refresh. */
const TTL_SECONDS = 12 * 60 * 60

export async function GET(request: Request): Promise<Response> {
  if (!devSignInEnabled()) return new Response('Not found', { status: 404 })
  const url = new URL(request.url)
  const userId = url.searchParams.get('as') ?? ''
  if (!supplierById(userId)) return new Response('Not a seeded supplier', { status: 403 })
  // Only a path on this site: never an open redirect.
  const next = url.searchParams.get('next') ?? '/'
  const target = next.startsWith('/') && !next.startsWith('//') ? next : '/'
  const now = Math.floor(Date.now() / 1000)
  const token = await new SignJWT({ role: 'authenticated', aud: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt(now)
    .setExpirationTime(now + TTL_SECONDS)
    .sign(new TextEncoder().encode(jwtSecret()))
  // A relative Location: Next.js gives request.url as localhost whatever host was asked for,
  // and the cookie belongs to the host the browser used.
  const response = new NextResponse(null, { status: 303, headers: { location: target } })
  response.cookies.set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    maxAge: TTL_SECONDS,
  })
  return response
}
