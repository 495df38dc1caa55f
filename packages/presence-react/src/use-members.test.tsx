import { act, cleanup, renderHook } from '@testing-library/react'
import type { MemberPresence, RoomSnapshot } from '@wedsync/presence-core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createWorld, providerFor, ROOM, type World } from '../test/test-world.js'
import { emptySnapshot } from './empty-snapshot.js'
import { shallowArrayEqual, useMember, useMemberIds, useMembers } from './use-members.js'
import { useRoom } from './use-room.js'

let world: World
beforeEach(() => {
  world = createWorld()
})
afterEach(() => {
  cleanup()
  world.dispose()
})

const ids = (members: readonly MemberPresence[]) => members.map((m) => m.userId)

/** The venue's view of the room, with two more suppliers in it. */
async function board() {
  const venue = world.supplier('u-venue')
  const photo = world.supplier('u-photo')
  const florist = world.supplier('u-florist')
  photo.client.enter(ROOM)
  florist.client.enter(ROOM)
  await world.flush()
  return { venue, photo, florist, wrapper: providerFor(venue.client, world.clock) }
}

describe('useMembers', () => {
  it('is every member sorted by user id, empty until the room is entered', async () => {
    const { wrapper } = await board()
    const seen: (readonly string[])[] = []
    const { result } = renderHook(
      () => {
        useRoom(ROOM)
        const members = useMembers(ROOM)
        seen.push(ids(members))
        return members
      },
      { wrapper },
    )
    expect(seen[0]).toEqual([])
    await world.flush()
    expect(ids(result.current)).toEqual(['u-florist', 'u-photo', 'u-venue'])
    const before = result.current
    await world.flush()
    expect(result.current).toBe(before) // no change, same array
  })

  it('re-renders for a selection only when isEqual says it changed', async () => {
    const { wrapper, photo, florist } = await board()
    let renders = 0
    const { result } = renderHook(
      () => {
        useRoom(ROOM)
        renders++
        // Inline selector: a new function every render, which must not matter.
        return useMembers(
          ROOM,
          (members) => members.filter((m) => m.status === 'online').map((m) => m.userId),
          shallowArrayEqual,
        )
      },
      { wrapper },
    )
    await world.flush()
    expect(result.current).toEqual(['u-florist', 'u-photo', 'u-venue'])
    const settled = renders
    const selection = result.current

    act(() => photo.client.setActivity({ action: 'viewing', target: 'timeline' }))
    await world.advance(1_000)
    expect(world.hub.state(ROOM)['u-photo']?.[0]?.meta).toMatchObject({
      activity: { target: 'timeline' },
    })
    expect(renders).toBe(settled) // the photographer changed, the online list did not
    expect(result.current).toBe(selection)

    act(() => florist.client.setStatus('busy'))
    await world.advance(1_000)
    expect(result.current).toEqual(['u-photo', 'u-venue'])
    expect(renders).toBe(settled + 1)
  })

  it('passes the snapshot to the selector, for counts and versions', async () => {
    const { wrapper } = await board()
    const { result } = renderHook(
      () => {
        useRoom(ROOM)
        return useMembers(ROOM, (_, snapshot: RoomSnapshot) => snapshot.counts.online)
      },
      { wrapper },
    )
    expect(result.current).toBe(0)
    await world.flush()
    expect(result.current).toBe(3)
  })

  it('switches rooms with the room id', async () => {
    const { wrapper, photo } = await board()
    photo.client.enter('wedding:456')
    await world.flush()
    const { result, rerender } = renderHook(
      ({ roomId }: { roomId: string }) => {
        useRoom(roomId)
        return ids(useMembers(roomId))
      },
      { wrapper, initialProps: { roomId: ROOM } },
    )
    await world.flush()
    expect(result.current).toEqual(['u-florist', 'u-photo', 'u-venue'])
    rerender({ roomId: 'wedding:456' })
    await world.flush()
    expect(result.current).toEqual(['u-photo', 'u-venue'])
  })
})

describe('useMemberIds', () => {
  it('re-renders when someone joins or leaves, not when someone changes', async () => {
    const { wrapper, photo } = await board()
    const harp = world.supplier('u-harpist')
    let renders = 0
    const { result } = renderHook(
      () => {
        useRoom(ROOM)
        renders++
        return useMemberIds(ROOM)
      },
      { wrapper },
    )
    expect(result.current).toEqual([])
    await world.flush()
    expect(result.current).toEqual(['u-florist', 'u-photo', 'u-venue'])
    const settled = renders

    act(() => photo.client.setStatus('busy'))
    await world.advance(1_000)
    expect(renders).toBe(settled)

    act(() => void harp.client.enter(ROOM))
    await world.flush()
    expect(result.current).toEqual(['u-florist', 'u-harpist', 'u-photo', 'u-venue'])
    expect(renders).toBe(settled + 1)
  })
})

describe('useMember', () => {
  it('is one member, undefined while absent, and updates when that member changes', async () => {
    const { wrapper, photo } = await board()
    const { result } = renderHook(
      () => {
        useRoom(ROOM)
        return useMember(ROOM, 'u-photo')
      },
      { wrapper },
    )
    expect(result.current).toBeUndefined()
    await world.flush()
    expect(result.current?.status).toBe('online')
    act(() => photo.client.setStatus('busy'))
    await world.advance(1_000)
    expect(result.current?.status).toBe('busy')
    act(() => photo.client.leave(ROOM))
    await world.flush()
    expect(result.current?.status).toBe('offline')
  })

  it('keeps its value while other members change', async () => {
    const { wrapper, florist } = await board()
    let renders = 0
    const { result } = renderHook(
      () => {
        useRoom(ROOM)
        renders++
        return useMember(ROOM, 'u-photo')
      },
      { wrapper },
    )
    await world.flush()
    const photo = result.current
    const settled = renders
    act(() => florist.client.setStatus('away'))
    await world.advance(1_000)
    expect(result.current).toBe(photo)
    expect(renders).toBe(settled)
  })
})

describe('shallowArrayEqual', () => {
  it('compares items with Object.is, in order', () => {
    const a = { id: 1 }
    expect(shallowArrayEqual([a, 1, 'x'], [a, 1, 'x'])).toBe(true)
    expect(shallowArrayEqual([a], [{ id: 1 }])).toBe(false)
    expect(shallowArrayEqual([1, 2], [2, 1])).toBe(false)
    expect(shallowArrayEqual([1], [1, 2])).toBe(false)
    expect(shallowArrayEqual([Number.NaN], [Number.NaN])).toBe(true)
  })
})

describe('emptySnapshot', () => {
  it('reads as a room with nobody in it', () => {
    const empty = emptySnapshot(ROOM)
    expect(empty).toMatchObject({ roomId: ROOM, version: 0, size: 0 })
    expect(empty.member('u-photo')).toBeUndefined()
    expect(empty.has('u-photo')).toBe(false)
    expect([...empty]).toEqual([])
    expect([...empty.values()]).toEqual([])
    expect(empty.toArray()).toEqual([])
    expect(Object.values(empty.counts)).toEqual([0, 0, 0, 0, 0])
  })
})
