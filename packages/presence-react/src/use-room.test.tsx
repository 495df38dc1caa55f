import { act, cleanup, render, renderHook, screen } from '@testing-library/react'
import { useState } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createWorld, providerFor, ROOM, type World } from '../test/test-world.js'
import { useConnectionStatus, useRoom } from './use-room.js'

let world: World
beforeEach(() => {
  world = createWorld()
})
afterEach(() => {
  cleanup()
  world.dispose()
})

const membersOf = (roomId = ROOM) => Object.keys(world.hub.state(roomId))

function Panel() {
  const room = useRoom(ROOM)
  return <p>{room ? 'in' : 'out'}</p>
}

function Board({ panels }: { panels: number }) {
  return (
    <>
      {['timeline', 'seating'].slice(0, panels).map((name) => (
        <Panel key={name} />
      ))}
    </>
  )
}

describe('useRoom', () => {
  it('enters on mount and leaves on unmount', async () => {
    const { client } = world.supplier('u-venue')
    const { result, unmount } = renderHook(() => useRoom(ROOM), {
      wrapper: providerFor(client, world.clock),
    })
    expect(result.current).toBe(client.room(ROOM))
    await world.flush()
    expect(membersOf()).toEqual(['u-venue'])
    expect(result.current?.connection).toBe('joined')

    unmount()
    await world.flush()
    expect(client.room(ROOM)).toBeUndefined()
    expect(membersOf()).toEqual([])
  })

  it('opens the room once and leaves it once under StrictMode', async () => {
    const { client, transport } = world.supplier('u-venue')
    const openRoom = vi.spyOn(transport, 'openRoom')
    const enter = vi.spyOn(client, 'enter')
    const leave = vi.spyOn(client, 'leave')
    const { result, unmount } = renderHook(() => useRoom(ROOM), {
      wrapper: providerFor(client, world.clock, true),
    })
    await world.flush()
    const room = client.room(ROOM)
    expect(result.current).toBe(room)
    expect(room?.connection).toBe('joined')
    expect(membersOf()).toEqual(['u-venue'])
    expect(openRoom).toHaveBeenCalledTimes(1)
    expect(world.hub.stats().tracks).toBe(1)
    // The double effect entered twice and left once: one reference is left, held by the component.
    expect(enter.mock.calls.length - leave.mock.calls.length).toBe(1)

    unmount()
    await world.flush()
    expect(client.room(ROOM)).toBeUndefined()
    expect(room?.connection).toBe('closed')
    expect(membersOf()).toEqual([])
  })

  it('shares the room between components and leaves when the last one unmounts', async () => {
    const { client } = world.supplier('u-venue')
    const wrapper = providerFor(client, world.clock, true)
    const { rerender } = render(<Board panels={2} />, { wrapper })
    await world.flush()
    expect(screen.getAllByText('in')).toHaveLength(2)
    const room = client.room(ROOM)
    rerender(<Board panels={1} />)
    await world.flush()
    expect(client.room(ROOM)).toBe(room)
    rerender(<Board panels={0} />)
    await world.flush()
    expect(client.room(ROOM)).toBeUndefined()
  })

  it('moves to another room when the id changes, and passes activity and privacy', async () => {
    const { client } = world.supplier('u-venue')
    let setRoomId: (id: string) => void = () => {}
    const { result } = renderHook(
      () => {
        const [roomId, set] = useState(ROOM)
        setRoomId = set
        return useRoom(roomId, { private: true, activity: { action: 'viewing', target: roomId } })
      },
      { wrapper: providerFor(client, world.clock) },
    )
    await world.flush()
    expect(Object.keys(world.hub.state(ROOM, { private: true }))).toEqual(['u-venue'])
    expect(membersOf()).toEqual([])
    expect(result.current?.member('u-venue')?.activity).toEqual({
      action: 'viewing',
      target: ROOM,
    })

    act(() => setRoomId('wedding:456'))
    await world.flush()
    expect(client.room(ROOM)).toBeUndefined()
    expect(result.current?.id).toBe('wedding:456')
    expect(Object.keys(world.hub.state('wedding:456', { private: true }))).toEqual(['u-venue'])
    expect(result.current?.member('u-venue')?.activity?.target).toBe('wedding:456')
  })

  it('sets a changed activity on the room without entering again', async () => {
    const { client } = world.supplier('u-venue')
    const enter = vi.spyOn(client, 'enter')
    const { result, rerender } = renderHook(
      ({ target }: { target: string | undefined }) =>
        useRoom(ROOM, target ? { activity: { action: 'viewing', target } } : {}),
      {
        wrapper: providerFor(client, world.clock),
        initialProps: { target: 'timeline' } as { target: string | undefined },
      },
    )
    await world.flush()
    const room = result.current!
    const setActivity = vi.spyOn(room, 'setActivity')
    rerender({ target: 'timeline' }) // an equal activity in a new object
    expect(setActivity).not.toHaveBeenCalled()
    rerender({ target: 'seating' })
    expect(setActivity).toHaveBeenCalledWith({ action: 'viewing', target: 'seating' })
    await world.advance(1_000)
    expect(room.member('u-venue')?.activity?.target).toBe('seating')
    rerender({ target: undefined })
    expect(setActivity).toHaveBeenLastCalledWith(null)
    expect(enter).toHaveBeenCalledTimes(1)
  })

  it('is undefined on first render when nothing holds the room, and at once when something does', () => {
    const { client } = world.supplier('u-venue')
    const seen: unknown[] = []
    renderHook(
      () => {
        const room = useRoom(ROOM)
        seen.push(room)
        return room
      },
      { wrapper: providerFor(client, world.clock) },
    )
    expect(seen[0]).toBeUndefined()
    expect(seen.at(-1)).toBe(client.room(ROOM))

    const other = world.supplier('u-photo').client
    const held = other.enter(ROOM)
    const first: unknown[] = []
    renderHook(
      () => {
        const room = useRoom(ROOM)
        first.push(room)
        return room
      },
      { wrapper: providerFor(other, world.clock) },
    )
    expect(first[0]).toBe(held)
  })
})

describe('useConnectionStatus', () => {
  it('follows the room: closed, connecting, joined, reconnecting, joined, closed', async () => {
    const { client } = world.supplier('u-venue')
    const wrapper = providerFor(client, world.clock)
    const seen: string[] = []
    renderHook(
      () => {
        const status = useConnectionStatus(ROOM)
        if (seen.at(-1) !== status) seen.push(status)
      },
      { wrapper },
    )
    const holder = renderHook(() => useRoom(ROOM), { wrapper })
    await world.flush()
    world.hub.disconnect('u-venue#0')
    await world.flush()
    world.hub.reconnect('u-venue#0')
    await world.flush()
    holder.unmount()
    await world.flush()
    expect(seen).toEqual(['closed', 'connecting', 'joined', 'reconnecting', 'joined', 'closed'])
  })
})
