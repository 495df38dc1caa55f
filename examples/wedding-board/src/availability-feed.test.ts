import type { TeamAvailabilitySummary } from '@wedsync/presence-server/client'
import { createDeferred, createFakeClock, type Deferred } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { createAvailabilityFeed } from './availability-feed.js'

const answer = (summary: string) => ({ summary }) as TeamAvailabilitySummary

function world() {
  const clock = createFakeClock()
  const requests: Deferred<TeamAvailabilitySummary>[] = []
  const signals: AbortSignal[] = []
  const feed = createAvailabilityFeed({
    load: (signal) => {
      const request = createDeferred<TeamAvailabilitySummary>()
      requests.push(request)
      signals.push(signal)
      return request.promise
    },
    clock,
    scheduler: clock,
    refreshMs: 30_000,
  })
  const changes: string[] = []
  feed.subscribe(() => changes.push(feed.current().status))
  return { clock, feed, requests, signals, changes }
}

describe('the availability feed', () => {
  it('loads at once, then every refreshMs', async () => {
    const { clock, feed, requests, changes } = world()
    expect(feed.current()).toEqual({ status: 'loading' })
    requests[0]!.resolve(answer('1 of 6'))
    await clock.flush()
    expect(feed.current()).toMatchObject({ status: 'ready', summary: { summary: '1 of 6' } })
    await clock.advance(29_999)
    expect(requests).toHaveLength(1)
    await clock.advance(1)
    expect(requests).toHaveLength(2)
    expect(changes).toEqual(['ready'])
    feed.stop()
  })

  it('asks once more after the request in flight, however often it is told', async () => {
    const { clock, feed, requests } = world()
    feed.refresh()
    feed.refresh()
    feed.refresh()
    expect(requests).toHaveLength(1)
    requests[0]!.resolve(answer('a'))
    await clock.flush()
    expect(requests).toHaveLength(2)
    requests[1]!.resolve(answer('b'))
    await clock.flush()
    expect(requests).toHaveLength(2)
    expect(feed.current()).toMatchObject({ summary: { summary: 'b' } })
    feed.stop()
  })

  it('keeps the last answer when a request fails, and stops cleanly', async () => {
    const { clock, feed, requests, signals } = world()
    requests[0]!.resolve(answer('a'))
    await clock.flush()
    feed.refresh()
    requests[1]!.reject(new Error('Presence store unavailable'))
    await clock.flush()
    expect(feed.current()).toEqual({
      status: 'failed',
      error: 'Presence store unavailable',
      summary: answer('a'),
    })
    feed.stop()
    expect(signals[1]!.aborted).toBe(true)
    expect(clock.pending()).toBe(0)
  })
})
