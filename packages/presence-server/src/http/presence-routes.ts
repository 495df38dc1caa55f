/**
 * The route bodies behind `createPresenceHandlers`: each authenticates, validates, applies the
 * privacy checker to everything it returns, and calls the store. Errors are thrown as
 * PresenceServerError and turned into responses by the handler shell (create-handlers.ts).
 */

import { MAX_CLOCK_SKEW_MS } from '@wedsync/presence-core'
import { type AvailabilityMember, summarizeTeamAvailability } from '../availability/team-summary.js'
import { canUseHistory } from '../availability/usually-back.js'
import { checkTimeZone } from '../availability/zoned-time.js'
import { verifySessionCredential } from '../credentials/verify-session-credential.js'
import { PresenceServerError } from '../errors.js'
import { resolvePresence } from '../privacy/presence-view.js'
import { redactPresence } from '../privacy/privacy-checker.js'
import { readVisiblePresence } from '../privacy/visible-presence.js'
import type { RateLimitResult } from '../rate-limit/rate-limiter.js'
import type { RecordStatusResult, SessionInputs } from '../stores/presence-store.js'
import { IMPLICIT_SESSION_ID } from '../stores/session-aggregate.js'
import {
  bulkReadSchema,
  heartbeatSchema,
  idSchema,
  lastSeenQuerySchema,
  leaveSchema,
  MAX_ID_JSON_BYTES,
  parseInput,
  type SessionInputsBody,
  type SettingsUpdate,
  settingsUpdateSchema,
  statusUpdateSchema,
} from '../validation/schemas.js'
import { json, readJson } from './bodies.js'
import { consume, type RouteContext, stored } from './route-context.js'
import { SESSION_CREDENTIAL_HEADER } from './session-header.js'

function ownOnly(callerId: string, bodyUserId: string | undefined): void {
  if (bodyUserId !== undefined && bodyUserId !== callerId)
    throw new PresenceServerError('PRESENCE_FORBIDDEN', 'You can only change your own presence')
}

/**
 * The session a report is for. With an issuer (verified presence) a named session must come with
 * its credential, issued to the caller for that session: nobody writes into a session they do not
 * hold. Without one, the client's id, which only ever names one of the caller's own sessions
 * (sessions are kept per user). Absent: the implicit session of clients that send no id.
 */
async function sessionOf(
  ctx: RouteContext,
  request: Request,
  userId: string,
  bodySessionId: string | undefined,
): Promise<string | undefined> {
  const credential = request.headers.get(SESSION_CREDENTIAL_HEADER)
  if (!ctx.sessions) return bodySessionId
  if (credential === null) {
    if (bodySessionId === undefined) return undefined
    throw new PresenceServerError(
      'PRESENCE_FORBIDDEN',
      `A session id needs its session credential (${SESSION_CREDENTIAL_HEADER})`,
    )
  }
  const verified = await verifySessionCredential(
    credential,
    ctx.sessions.issuer.jwks(),
    ctx.clock.now(),
  )
  if (
    verified.userId !== userId ||
    (bodySessionId !== undefined && verified.sessionId !== bodySessionId)
  )
    throw new PresenceServerError('PRESENCE_FORBIDDEN', 'Invalid session credential')
  return verified.sessionId
}

/**
 * The inputs with their stamps bounded as rooms bound them (presence-core's MAX_CLOCK_SKEW_MS): a
 * stamp further ahead of the server's clock counts as stamped at that bound.
 */
function boundedInputs(inputs: SessionInputsBody, now: number): SessionInputs {
  const bound = now + MAX_CLOCK_SKEW_MS
  const at = (stamp: number) => Math.min(stamp, bound)
  return {
    automatic: inputs.automatic,
    ...(inputs.manual
      ? { manual: { status: inputs.manual.status, at: at(inputs.manual.at) } }
      : {}),
    ...(inputs.custom
      ? { custom: { status: inputs.custom.status, at: at(inputs.custom.at) } }
      : {}),
    ...(inputs.calendar ? { calendar: inputs.calendar } : {}),
    ...(inputs.activeAgo === undefined ? {} : { activeAgo: inputs.activeAgo }),
  }
}

function rateLimitHeaders(result: RateLimitResult, now: number): HeadersInit {
  return {
    'ratelimit-limit': String(result.limit),
    'ratelimit-remaining': String(result.remaining),
    'ratelimit-reset': String(Math.max(0, Math.ceil((result.resetAt - now) / 1000))),
  }
}

/** Tells the transition hooks what a request changed of the user's presence, if anything. */
function tellTransition(
  ctx: RouteContext,
  request: Request,
  userId: string,
  result: RecordStatusResult,
  at: number,
): void {
  if (!result.transition && !result.customStatusChanged) return
  ctx.onStatusChange?.(
    {
      userId,
      status: result.presence.status,
      at,
      statusChanged: result.transition !== undefined,
      customStatus: result.presence.customStatus ?? null,
    },
    request,
  )
}

/** POST /presence/status — the caller's own status, custom status and activity. */
export async function postStatus(ctx: RouteContext, request: Request): Promise<Response> {
  const { userId } = await ctx.authenticate(request)
  const body = parseInput(
    statusUpdateSchema,
    await readJson(request, ctx.maxBodyBytes),
    'status update',
  )
  ownOnly(userId, body.userId)
  const sessionId = await sessionOf(ctx, request, userId, body.sessionId)
  const limit = await consume(ctx, ctx.statusLimiter, 'status', userId)
  const now = ctx.clock.now()
  const result = await stored(
    ctx.store.recordStatus({
      userId,
      status: body.status,
      at: now,
      leaseUntil: now + ctx.leaseMs,
      ...(body.customStatus === undefined ? {} : { customStatus: body.customStatus }),
      ...(body.activity === undefined ? {} : { activity: body.activity }),
      ...(sessionId === undefined ? {} : { sessionId }),
      ...(body.session ? { session: boundedInputs(body.session, now) } : {}),
    }),
  )
  ctx.metrics.statusUpdate(body.status)
  // The user's transition (their aggregate), not this session's: one device going idle while
  // another is online is no transition.
  tellTransition(ctx, request, userId, result, now)
  return json(
    {
      presence: resolvePresence(userId, result.presence, now, ctx.leaseMs),
      changed: result.transition !== undefined,
    },
    200,
    rateLimitHeaders(limit, now),
  )
}

/** POST /presence/heartbeat — keeps the caller's last seen fresh; its own, larger budget. */
export async function postHeartbeat(ctx: RouteContext, request: Request): Promise<Response> {
  const { userId } = await ctx.authenticate(request)
  const body = parseInput(
    heartbeatSchema,
    await readJson(request, ctx.maxBodyBytes, {}),
    'heartbeat',
  )
  ownOnly(userId, body.userId)
  const sessionId = await sessionOf(ctx, request, userId, body.sessionId)
  await consume(ctx, ctx.heartbeatLimiter, 'heartbeat', userId)
  const now = ctx.clock.now()
  await stored(
    ctx.store.recordHeartbeat(userId, now, {
      leaseUntil: now + ctx.leaseMs,
      ...(sessionId === undefined ? {} : { sessionId }),
    }),
  )
  return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } })
}

/**
 * POST /presence/leave — the caller's session left cleanly (closed the app, signed out): it stops
 * counting at once instead of at the end of its lease. With a store that keeps no sessions it
 * changes nothing (the lease ends it).
 */
export async function postLeave(ctx: RouteContext, request: Request): Promise<Response> {
  const { userId } = await ctx.authenticate(request)
  const body = parseInput(leaveSchema, await readJson(request, ctx.maxBodyBytes, {}), 'leave')
  const sessionId = (await sessionOf(ctx, request, userId, body.sessionId)) ?? IMPLICIT_SESSION_ID
  await consume(ctx, ctx.heartbeatLimiter, 'heartbeat', userId)
  const now = ctx.clock.now()
  const result = ctx.store.endSession
    ? await stored(ctx.store.endSession(userId, sessionId, now))
    : undefined
  if (result) tellTransition(ctx, request, userId, result, now)
  return json({
    ...(result ? { presence: resolvePresence(userId, result.presence, now, ctx.leaseMs) } : {}),
    changed: result?.transition !== undefined,
  })
}

/** GET /presence/settings — the caller's own privacy settings. */
export async function getSettings(ctx: RouteContext, request: Request): Promise<Response> {
  const { userId } = await ctx.authenticate(request)
  return json({ settings: await stored(ctx.store.getSettings(userId)) })
}

/** PUT /presence/settings — changes any subset of the caller's settings. */
export async function putSettings(ctx: RouteContext, request: Request): Promise<Response> {
  const { userId } = await ctx.authenticate(request)
  const patch = parseInput(
    settingsUpdateSchema,
    await readJson(request, ctx.maxBodyBytes),
    'settings',
  ) as SettingsUpdate
  const settings = await stored(ctx.store.updateSettings(userId, patch, ctx.clock.now()))
  return json({ settings })
}

/** The user ids of `?userIds=a,b&userIds=c`, de-duplicated in order. */
export function userIdsOf(url: URL): string[] {
  const ids = url.searchParams
    .getAll('userIds')
    .flatMap((value) => value.split(','))
    .map((id) => id.trim())
    .filter((id) => id !== '')
  return [...new Set(ids)]
}

/** GET /presence/last-seen?userIds= — privacy-filtered, redacted presence of up to maxUserIds users. */
export async function getLastSeen(ctx: RouteContext, request: Request): Promise<Response> {
  const { userId: viewer } = await ctx.authenticate(request)
  const ids = parseInput(
    lastSeenQuerySchema(ctx.maxUserIds),
    userIdsOf(new URL(request.url)),
    'userIds',
  )
  return json({ users: await visibleTo(ctx, viewer, ids) })
}

/**
 * POST /presence/users `{ userIds }` — the same as last-seen for up to `maxBulkUserIds` users
 * (default 1,000: more than a query string carries), for server code and large rosters.
 */
export async function postUsers(ctx: RouteContext, request: Request): Promise<Response> {
  const { userId: viewer } = await ctx.authenticate(request)
  // Room for the largest list of the longest ids, whatever the handlers' general body limit.
  const maxBytes = Math.max(ctx.maxBodyBytes, ctx.maxBulkUserIds * (MAX_ID_JSON_BYTES + 1) + 64)
  const { userIds } = parseInput(
    bulkReadSchema(ctx.maxBulkUserIds),
    await readJson(request, maxBytes),
    'users request',
  )
  return json({ users: await visibleTo(ctx, viewer, userIds) })
}

function visibleTo(ctx: RouteContext, viewer: string, userIds: readonly string[]) {
  const now = ctx.clock.now()
  return stored(readVisiblePresence(ctx.store, viewer, userIds, { now, leaseMs: ctx.leaseMs }))
}

/**
 * GET /presence/teams/:teamId/availability[?timeZone=Europe/London] — members only; each member
 * privacy-filtered; busy-until and usually-back-by (from history, only where the viewer may see
 * the member's last seen) and the sentence, in the team's or the requested time zone.
 */
export async function getTeamAvailability(
  ctx: RouteContext,
  request: Request,
  rawTeamId: string,
): Promise<Response> {
  const { userId: viewer } = await ctx.authenticate(request)
  const teamId = parseInput(idSchema, rawTeamId, 'team id')
  const requestedZone = new URL(request.url).searchParams.get('timeZone')
  const timeZone = checkTimeZone(requestedZone ?? ctx.timeZone)
  const members = await stored(ctx.store.teamMembers(teamId))
  // Non-members get the same answer whether or not the team exists.
  if (!members.some((m) => m.userId === viewer))
    throw new PresenceServerError('PRESENCE_FORBIDDEN', 'Not a member of this team')
  const targets = await stored(
    ctx.store.presenceFor(
      viewer,
      members.map((m) => m.userId),
    ),
  )
  const now = ctx.clock.now()
  const input = await Promise.all(
    targets.map(async (t, i): Promise<AvailabilityMember> => {
      const role = members[i]?.role
      const presence = redactPresence(
        viewer,
        resolvePresence(t.userId, t.presence, now, ctx.leaseMs),
        t,
      )
      // History only for who is away from the app, and only where the viewer may see it.
      const usuallyBackAt =
        ctx.usuallyBack && presence.status !== 'online' && canUseHistory(viewer, t)
          ? await stored(ctx.usuallyBack(t.userId, timeZone, now))
          : undefined
      return {
        presence,
        ...(role === undefined ? {} : { role }),
        ...(usuallyBackAt === undefined ? {} : { usuallyBackAt }),
      }
    }),
  )
  return json(
    summarizeTeamAvailability({ teamId, now, members: input, noun: ctx.teamNoun, timeZone }),
  )
}
