/**
 * Web-standard request and response helpers: bounded body reading (the limit holds for chunked
 * bodies without Content-Length too), JSON responses that stay inert if rendered as HTML, and
 * the headers every response carries.
 */
import { PresenceServerError } from '../errors.js'

/** Request bodies above this are refused with 413. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024

/** A request's or a response's body: both are read the same way. */
export type HttpBody = Pick<Request, 'headers' | 'body' | 'arrayBuffer'>

/** The body as text, or 413 PRESENCE_PAYLOAD_TOO_LARGE past `maxBytes`; stops reading there. */
export async function readBody(request: HttpBody, maxBytes: number): Promise<string> {
  const declared = request.headers.get('content-length')
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes)
  if (!request.body) return ''
  // With a Content-Length the runtime's HTTP framing holds the body to it: read it in one go.
  if (declared !== null) return decode(new Uint8Array(await request.arrayBuffer()), maxBytes)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel().catch(() => {})
      throw tooLarge(maxBytes)
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return decode(bytes, maxBytes)
}

function decode(bytes: Uint8Array, maxBytes: number): string {
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes)
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new PresenceServerError('PRESENCE_PAYLOAD_INVALID', 'Body is not valid UTF-8')
  }
}

function tooLarge(maxBytes: number): PresenceServerError {
  return new PresenceServerError('PRESENCE_PAYLOAD_TOO_LARGE', `Body larger than ${maxBytes} bytes`)
}

/** The body parsed as JSON; an empty body is `emptyAs` (undefined: refused as malformed). */
export async function readJson(
  request: Request,
  maxBytes: number,
  emptyAs?: unknown,
): Promise<unknown> {
  const text = await readBody(request, maxBytes)
  if (text.trim() === '') {
    if (emptyAs !== undefined) return emptyAs
    throw new PresenceServerError('PRESENCE_PAYLOAD_INVALID', 'Expected a JSON body')
  }
  try {
    return JSON.parse(text)
  } catch {
    throw new PresenceServerError('PRESENCE_PAYLOAD_INVALID', 'Body is not valid JSON')
  }
}

// `<`, `>` and `&` escaped: a response shown as HTML, or inlined into a <script>, stays inert.
const UNSAFE_JSON = /[<>&\u2028\u2029]/g
const escapeChar = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

/** JSON text with HTML-significant characters escaped (still the same JSON value). */
export function stringifyInert(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_JSON, escapeChar)
}

export function json(body: unknown, status = 200, headers?: HeadersInit): Response {
  const out = new Headers(headers)
  out.set('content-type', 'application/json; charset=utf-8')
  out.set('cache-control', 'no-store')
  out.set('x-content-type-options', 'nosniff')
  return new Response(stringifyInert(body), { status, headers: out })
}
