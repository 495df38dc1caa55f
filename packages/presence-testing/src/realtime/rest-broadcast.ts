/**
 * Supabase's REST broadcast endpoints, transport-neutral: `POST /api/broadcast` (a batch of
 * `{topic, event, payload, private?}`, what `send()` falls back to before a join) and
 * `POST /api/broadcast/<topic>/events/<event>[?private=true]` (`httpSend()`, JSON or binary).
 * Both answer 202 with no body; the token (Bearer, else apikey) must be accepted, else 401.
 */
import { isJsonObject, type Outbound, TOPIC_PREFIX } from './frames.js'
import { flexibleBoolean } from './join-config.js'
import type { Claims } from './jwt.js'
import { jsonBroadcast, type RealtimeCore } from './realtime-core.js'

export interface RestRequest {
  readonly method: string
  /** The path, with or without the `/realtime/v1` prefix. */
  readonly pathname: string
  readonly searchParams: URLSearchParams
  header(name: string): string | null | undefined
  body(): Promise<Uint8Array>
}

export interface RestResponse {
  readonly status: number
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
}

export type RestRoute =
  | { readonly kind: 'batch' }
  | { readonly kind: 'single'; readonly topic: string; readonly event: string }

const JSON_HEADERS = { 'content-type': 'application/json' }

/** The REST route `pathname` names, or undefined. */
export function matchRestRoute(pathname: string): RestRoute | undefined {
  const path = pathname.replace(/^\/realtime\/v1(?=\/)/, '').replace(/\/+$/, '')
  if (path === '/api/broadcast') return { kind: 'batch' }
  const single = /^\/api\/broadcast\/([^/]+)\/events\/([^/]+)$/.exec(path)
  if (!single) return undefined
  try {
    return {
      kind: 'single',
      topic: decodeURIComponent(single[1]!),
      event: decodeURIComponent(single[2]!),
    }
  } catch {
    return undefined
  }
}

/** Answers a REST broadcast request; undefined when the path is not one of these endpoints. */
export async function handleRestBroadcast(
  core: RealtimeCore,
  request: RestRequest,
): Promise<RestResponse | undefined> {
  const route = matchRestRoute(request.pathname)
  if (!route) return undefined
  if (request.method !== 'POST') return respond(405, { message: 'Method Not Allowed' })
  const claims = await core.restClaims(bearerToken(request))
  if (!claims) return respond(401, { message: 'Unauthorized' })
  return route.kind === 'batch'
    ? batch(core, claims, request)
    : single(core, claims, request, route.topic, route.event)
}

async function batch(
  core: RealtimeCore,
  claims: Claims,
  request: RestRequest,
): Promise<RestResponse> {
  const body = parseJson(await request.body())
  const messages = isJsonObject(body) && Array.isArray(body.messages) ? body.messages : undefined
  if (!messages || messages.length === 0) return invalid('messages', "can't be blank")
  const valid: {
    topic: string
    event: string
    payload: Record<string, unknown>
    private: boolean
  }[] = []
  for (const message of messages) {
    if (
      !isJsonObject(message) ||
      typeof message.topic !== 'string' ||
      typeof message.event !== 'string' ||
      !isJsonObject(message.payload)
    ) {
      return invalid('messages', 'is invalid')
    }
    if (JSON.stringify(message.payload).length > core.limits.payloadBytes) {
      return invalid('payload', 'Payload size exceeds tenant limit')
    }
    valid.push({
      topic: message.topic,
      event: message.event,
      payload: message.payload,
      private: flexibleBoolean(message.private),
    })
  }
  const allowed = new Map<string, boolean>()
  for (const message of valid) {
    if (message.private) {
      let may = allowed.get(message.topic)
      if (may === undefined) {
        may = await core.mayWrite(message.topic, claims)
        allowed.set(message.topic, may)
      }
      if (!may) continue // Supabase skips private topics the token may not write to
    }
    core.publish(
      message.topic,
      message.private,
      jsonBroadcast(message.topic, message.event, message.payload),
    )
  }
  return respond(202)
}

async function single(
  core: RealtimeCore,
  claims: Claims,
  request: RestRequest,
  topic: string,
  event: string,
): Promise<RestResponse> {
  const isPrivate = flexibleBoolean(request.searchParams.get('private'))
  const contentType = (request.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  let out: Outbound
  const body = await request.body()
  if (body.length > core.limits.payloadBytes)
    return invalid('payload', 'Payload size exceeds tenant limit')
  if (contentType === 'application/json') {
    const payload = parseJson(body)
    if (!isJsonObject(payload)) return invalid('payload', 'is invalid')
    out = jsonBroadcast(topic, event, payload)
  } else if (contentType === 'application/octet-stream') {
    out = {
      kind: 'user-broadcast',
      broadcast: { topic: TOPIC_PREFIX + topic, event, encoding: 'binary', payload: body },
    }
  } else {
    return respond(415, { message: 'Unsupported Media Type' })
  }
  if (isPrivate && !(await core.mayWrite(topic, claims))) {
    return respond(401, { message: 'Unauthorized' })
  }
  core.publish(topic, isPrivate, out)
  return respond(202)
}

function bearerToken(request: RestRequest): string | undefined {
  const authorization = request.header('authorization')
  if (authorization) {
    const [scheme, token] = authorization.split(' ')
    if (scheme?.toLowerCase() === 'bearer' && token) return token
  }
  return request.header('apikey') ?? request.searchParams.get('apikey') ?? undefined
}

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body))
  } catch {
    return undefined
  }
}

function invalid(field: string, message: string): RestResponse {
  return respond(422, { errors: { [field]: [message] } })
}

function respond(status: number, body?: Record<string, unknown>): RestResponse {
  return body === undefined
    ? { status, body: '', headers: {} }
    : { status, body: JSON.stringify(body), headers: JSON_HEADERS }
}
