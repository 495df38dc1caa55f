/**
 * Operator metrics in the Prometheus text format (SPEC 18): request latency histogram per route,
 * status updates, rate-limit rejections and errors per code. A small registry of our own: it runs
 * in edge runtimes and Deno, where prom-client (Node-only) does not. Labels come from fixed sets
 * (route templates, statuses, catalogue codes), never from request data.
 */

/** Upper bounds of the latency buckets, in seconds. */
export const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
] as const

export interface PresenceMetrics {
  observeRequest(route: string, method: string, status: number, seconds: number): void
  statusUpdate(status: string): void
  rateLimited(limiter: string): void
  error(code: string): void
  /** The Prometheus text exposition (version 0.0.4). */
  render(): string
}

interface Histogram {
  readonly counts: number[]
  sum: number
  count: number
}

const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')

function labels(pairs: Record<string, string>): string {
  const parts = Object.entries(pairs).map(([k, v]) => `${k}="${escapeLabel(v)}"`)
  return parts.length ? `{${parts.join(',')}}` : ''
}

export function createMetrics(prefix = 'presence'): PresenceMetrics {
  const requests = new Map<string, { labels: Record<string, string>; h: Histogram }>()
  const statusUpdates = new Map<string, number>()
  const rejections = new Map<string, number>()
  const errors = new Map<string, number>()
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1)

  function counter(name: string, help: string, label: string, map: Map<string, number>): string[] {
    const lines = [`# HELP ${prefix}_${name} ${help}`, `# TYPE ${prefix}_${name} counter`]
    for (const [value, n] of [...map].sort(([a], [b]) => (a < b ? -1 : 1)))
      lines.push(`${prefix}_${name}${labels({ [label]: value })} ${n}`)
    return lines
  }

  return {
    observeRequest(route, method, status, seconds) {
      const key = `${route}\u0000${method}\u0000${status}`
      let entry = requests.get(key)
      if (!entry) {
        entry = {
          labels: { route, method, status: String(status) },
          h: { counts: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 },
        }
        requests.set(key, entry)
      }
      const { h } = entry
      for (let i = 0; i < LATENCY_BUCKETS.length; i++)
        if (seconds <= LATENCY_BUCKETS[i]!) h.counts[i]!++
      h.sum += seconds
      h.count++
    },
    statusUpdate: (status) => void bump(statusUpdates, status),
    rateLimited: (limiter) => void bump(rejections, limiter),
    error: (code) => void bump(errors, code),
    render() {
      const name = `${prefix}_http_request_duration_seconds`
      const lines = [
        `# HELP ${name} Time from request to response, per route template.`,
        `# TYPE ${name} histogram`,
      ]
      for (const { labels: l, h } of [...requests.values()].sort((a, b) =>
        labels(a.labels) < labels(b.labels) ? -1 : 1,
      )) {
        LATENCY_BUCKETS.forEach((le, i) => {
          lines.push(`${name}_bucket${labels({ ...l, le: String(le) })} ${h.counts[i]}`)
        })
        lines.push(`${name}_bucket${labels({ ...l, le: '+Inf' })} ${h.count}`)
        lines.push(`${name}_sum${labels(l)} ${h.sum}`)
        lines.push(`${name}_count${labels(l)} ${h.count}`)
      }
      lines.push(
        ...counter(
          'status_updates_total',
          'Status updates stored, per status.',
          'status',
          statusUpdates,
        ),
        ...counter(
          'rate_limit_rejections_total',
          'Requests refused by a rate limiter, per limiter.',
          'limiter',
          rejections,
        ),
        ...counter('errors_total', 'Error responses, per catalogue code.', 'code', errors),
      )
      return `${lines.join('\n')}\n`
    },
  }
}
