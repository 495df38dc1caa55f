/**
 * Which receiver URLs a webhook subscription may name (the SSRF guard). Pure: it looks at the URL
 * text only. Always refused: schemes other than http(s), credentials in the URL (they would be
 * sent to the receiver and logged by proxies), fragments, and URLs over `MAX_WEBHOOK_URL_LENGTH`.
 * By default also refused: hosts that name this machine or a private network by their text —
 * `localhost`/`*.localhost`, and IP literals that are loopback, private, link-local (the cloud
 * metadata address 169.254.169.254 among them), carrier-grade NAT, unspecified or multicast —
 * because the server would otherwise call into its own network on a tenant's behalf. A name that
 * resolves to a private address is not caught here (that needs DNS at delivery time); see
 * docs/webhooks.md. `allowPrivateNetworks` turns the host checks off (local development, tests,
 * a receiver on the same private network); `allowHttp: false` requires https.
 */

export const MAX_WEBHOOK_URL_LENGTH = 2_048

export interface WebhookUrlPolicy {
  /** Accept plain http. Default true (https is still recommended; the body is signed either way). */
  readonly allowHttp?: boolean
  /** Accept localhost and private, loopback and link-local IP literals. Default false. */
  readonly allowPrivateNetworks?: boolean
}

/** Why a URL is refused, or undefined when it is accepted. */
export function checkWebhookUrl(text: string, policy: WebhookUrlPolicy = {}): string | undefined {
  if (text.length > MAX_WEBHOOK_URL_LENGTH)
    return `Expected a URL of at most ${MAX_WEBHOOK_URL_LENGTH} characters`
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return 'Expected an absolute http(s) URL'
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'Expected an http or https URL'
  if (url.protocol === 'http:' && policy.allowHttp === false) return 'Expected an https URL'
  if (url.username !== '' || url.password !== '') return 'Credentials in the URL are not allowed'
  if (url.hash !== '' || text.includes('#')) return 'A fragment in the URL is not allowed'
  if (!policy.allowPrivateNetworks && isPrivateHost(url.hostname))
    return 'A local or private-network host is not allowed'
  return undefined
}

/** Whether a URL's hostname (as `URL` normalizes it) names this machine or a private network. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '')
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (host.startsWith('[') && host.endsWith(']')) return isPrivateIpv6(host.slice(1, -1))
  const v4 = parseIpv4(host)
  return v4 !== undefined && isPrivateIpv4(v4)
}

/** `URL` has already turned every IPv4 spelling (hex, octal, short forms) into dotted quads. */
function parseIpv4(host: string): number[] | undefined {
  const parts = host.split('.')
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined
  const bytes = parts.map(Number)
  return bytes.every((b) => b <= 255) ? bytes : undefined
}

function isPrivateIpv4([a, b]: number[]): boolean {
  if (a === undefined || b === undefined) return false
  return (
    a === 0 || // "this network"
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224 // multicast and reserved
  )
}

function isPrivateIpv6(address: string): boolean {
  const a = address.toLowerCase()
  if (a === '::' || a === '::1') return true
  // IPv4-mapped (::ffff:a.b.c.d, which URL writes as ::ffff:xxxx:xxxx): judge the IPv4 address.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a)
  if (mapped) {
    const hi = Number.parseInt(mapped[1]!, 16)
    const lo = Number.parseInt(mapped[2]!, 16)
    return isPrivateIpv4([hi >> 8, hi & 255, lo >> 8, lo & 255])
  }
  const first = Number.parseInt(a.split(':')[0] || '0', 16)
  return (
    (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xff00) === 0xff00 // multicast
  )
}
