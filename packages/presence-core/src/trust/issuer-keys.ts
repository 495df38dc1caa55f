/**
 * The issuer's public keys, by `kid`: a fixed key set, or the JWKS endpoint of the app's server
 * (`GET /presence/.well-known/jwks.json`), fetched when first needed and again when a credential
 * names a key it does not hold — that is how keys rotate — at most once per `refetchAfterMs`, so
 * credentials naming made-up keys cannot make observers hammer the endpoint.
 */
import type { Clock } from '../ports.js'
import { type EcPublicJwk, ecPublicJwk } from './signature-suite.js'

export interface JsonWebKeySet {
  readonly keys: readonly unknown[]
}

export type IssuerKeysOptions =
  | { readonly jwks: JsonWebKeySet }
  | {
      readonly jwksUrl: string | URL
      /** Default: the global `fetch`. */
      readonly fetch?: (url: string) => Promise<Pick<Response, 'ok' | 'status' | 'json'>>
      /** Least time between two fetches. Default 30 s. */
      readonly refetchAfterMs?: number
    }

/** `undefined`: the set does not hold it; `'unavailable'`: the set could not be fetched. */
export type KeyLookup = EcPublicJwk | undefined | 'unavailable'

export interface IssuerKeys {
  key(kid: string): Promise<KeyLookup>
}

/** The ES256 signing keys of a JWKS, by kid; keys for other algorithms or uses are left out. */
export function keysOf(jwks: unknown): Map<string, EcPublicJwk> {
  const out = new Map<string, EcPublicJwk>()
  const keys = (jwks as Partial<JsonWebKeySet> | null)?.keys
  if (!Array.isArray(keys)) return out
  for (const entry of keys) {
    const { kid, alg, use } = (entry ?? {}) as Record<string, unknown>
    const key = ecPublicJwk(entry)
    if (typeof kid !== 'string' || !key) continue
    if ((alg !== undefined && alg !== 'ES256') || (use !== undefined && use !== 'sig')) continue
    out.set(kid, key)
  }
  return out
}

export const DEFAULT_REFETCH_AFTER_MS = 30_000

export function createIssuerKeys(options: IssuerKeysOptions, clock: Clock): IssuerKeys {
  if ('jwks' in options) {
    const keys = keysOf(options.jwks)
    if (keys.size === 0) throw new TypeError('the issuer key set holds no ES256 key with a kid')
    return { key: async (kid) => keys.get(kid) }
  }
  const url = String(options.jwksUrl)
  const get = options.fetch ?? ((target: string) => globalThis.fetch(target))
  const refetchAfterMs = options.refetchAfterMs ?? DEFAULT_REFETCH_AFTER_MS
  let keys: Map<string, EcPublicJwk> | undefined
  let fetchedAt = -Infinity
  let inFlight: Promise<void> | undefined

  function refresh(): Promise<void> {
    inFlight ??= (async () => {
      fetchedAt = clock.now()
      try {
        const response = await get(url)
        if (!response.ok) throw new Error(`HTTP ${response.status}`)
        keys = keysOf(await response.json())
      } catch {
        // Keep what we had: a key set that was fetched once stays usable while the endpoint is down.
      } finally {
        inFlight = undefined
      }
    })()
    return inFlight
  }

  return {
    async key(kid) {
      if (!keys?.has(kid) && clock.now() - fetchedAt >= refetchAfterMs) await refresh()
      else if (inFlight) await inFlight
      if (!keys) return 'unavailable'
      return keys.get(kid)
    },
  }
}
