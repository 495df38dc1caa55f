import { act, cleanup, renderHook } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createWorld, MINUTE, providerFor, ROOM, type World } from '../test/test-world.js'
import { useMember } from './use-members.js'
import { useMyPresence } from './use-my-presence.js'
import { useRoom } from './use-room.js'

let world: World
beforeEach(() => {
  world = createWorld()
})
afterEach(() => {
  cleanup()
  world.dispose()
})

describe('useMyPresence', () => {
  it('is your presence, and its setters change it here and in the room', async () => {
    const { client } = world.supplier('u-venue')
    const { result } = renderHook(
      () => {
        useRoom(ROOM)
        return { mine: useMyPresence(), inRoom: useMember(ROOM, 'u-venue') }
      },
      { wrapper: providerFor(client, world.clock) },
    )
    await world.flush()
    const [me, actions] = result.current.mine
    expect(me).toMatchObject({ userId: 'u-venue', status: 'online' })
    expect(me.manualStatus).toBeUndefined()

    act(() => actions.setStatus('busy'))
    expect(result.current.mine[0].status).toBe('busy')
    act(() => actions.setCustomStatus({ text: 'At a venue until 15:00', emoji: '📍' }))
    act(() => actions.setActivity({ action: 'viewing', target: 'timeline' }))
    expect(result.current.mine[0]).toMatchObject({
      customStatus: { text: 'At a venue until 15:00', emoji: '📍' },
      activity: { action: 'viewing', target: 'timeline' },
    })
    await world.advance(1_000)
    expect(result.current.inRoom).toMatchObject({
      status: 'busy',
      customStatus: { text: 'At a venue until 15:00' },
    })
    expect(result.current.mine[1]).toBe(actions) // setters keep their identity
    act(() => actions.setStatus(null))
    expect(result.current.mine[0].status).toBe('online')
  })

  it('follows automatic changes (idle after 5 minutes) and shares one value between components', async () => {
    const { client, activity } = world.supplier('u-venue')
    const wrapper = providerFor(client, world.clock)
    const a = renderHook(() => useMyPresence()[0], { wrapper })
    const b = renderHook(() => useMyPresence()[0], { wrapper })
    expect(a.result.current).toBe(b.result.current)
    await world.advance(5 * MINUTE)
    expect(a.result.current.status).toBe('idle')
    expect(b.result.current).toBe(a.result.current)
    act(() => activity.input())
    expect(a.result.current.status).toBe('online')
  })

  it('does not re-render on input that changes nothing visible', async () => {
    const { client, activity } = world.supplier('u-venue')
    let renders = 0
    renderHook(
      () => {
        renders++
        return useMyPresence()
      },
      { wrapper: providerFor(client, world.clock) },
    )
    const settled = renders
    await world.advance(10_000)
    act(() => activity.input())
    act(() => activity.input())
    expect(renders).toBe(settled)
  })
})
