import { act, cleanup, render, renderHook, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createWorld, MINUTE, providerFor, type World } from '../test/test-world.js'
import type { LastSeenOptions } from './last-seen-format.js'
import { TICK_MS } from './ticker.js'
import { useLastSeen } from './use-last-seen.js'

const LONDON: LastSeenOptions = { locale: 'en-GB', timeZone: 'Europe/London' }

let world: World
beforeEach(() => {
  world = createWorld()
})
afterEach(() => {
  cleanup()
  world.dispose()
})

function LastSeen({ at, onRender }: { at: number | undefined; onRender?: () => void }) {
  onRender?.()
  return <span>{useLastSeen(at, LONDON) ?? 'never'}</span>
}

describe('useLastSeen', () => {
  it('moves on with the provider clock, on one shared timer', async () => {
    const { client } = world.supplier('u-venue')
    const { clock } = world
    const at = clock.now()
    const timersBefore = clock.pending()
    render(
      <>
        <LastSeen at={at} />
        <LastSeen at={at - 3 * MINUTE} />
        <LastSeen at={at - 24 * 60 * MINUTE} />
      </>,
      { wrapper: providerFor(client, clock) },
    )
    expect(clock.pending()).toBe(timersBefore + 1) // one ticker for the three of them
    expect(screen.getByText('active just now')).toBeDefined()
    expect(screen.getByText('active 3 min ago')).toBeDefined()
    expect(screen.getByText('last seen yesterday at 10:00')).toBeDefined()

    await world.advance(5 * MINUTE)
    expect(screen.getByText('active 5 min ago')).toBeDefined()
    expect(screen.getByText('active 8 min ago')).toBeDefined()
    await world.advance(55 * MINUTE)
    expect(screen.getByText('last seen today at 10:00')).toBeDefined()
  })

  it('re-renders only when its text changes', async () => {
    const { client } = world.supplier('u-venue')
    const onRender = vi.fn()
    render(<LastSeen at={world.clock.now() - 90 * MINUTE} onRender={onRender} />, {
      wrapper: providerFor(client, world.clock),
    })
    onRender.mockClear()
    await world.advance(10 * TICK_MS) // "last seen today at 08:30" all along
    expect(onRender).not.toHaveBeenCalled()
  })

  it('is undefined without a timestamp and then sets no timer', () => {
    const { client } = world.supplier('u-venue')
    const before = world.clock.pending()
    const { result } = renderHook(() => useLastSeen(undefined), {
      wrapper: providerFor(client, world.clock),
    })
    expect(result.current).toBeUndefined()
    expect(world.clock.pending()).toBe(before)
  })

  it('stops the ticker when the last component unmounts', () => {
    const { client } = world.supplier('u-venue')
    const before = world.clock.pending()
    const view = render(<LastSeen at={world.clock.now()} />, {
      wrapper: providerFor(client, world.clock),
    })
    expect(world.clock.pending()).toBe(before + 1)
    view.unmount()
    expect(world.clock.pending()).toBe(before)
  })

  it('runs on system time outside a provider', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 5, 12, 9, 0) })
    try {
      const at = Date.now() - 2 * MINUTE
      const { result, unmount } = renderHook(() => useLastSeen(at, LONDON))
      expect(result.current).toBe('active 2 min ago')
      act(() => {
        vi.advanceTimersByTime(3 * MINUTE)
      })
      expect(result.current).toBe('active 5 min ago')
      unmount()
    } finally {
      vi.useRealTimers()
    }
  })
})
