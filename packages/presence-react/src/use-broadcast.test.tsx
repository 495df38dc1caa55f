import { act, cleanup, renderHook } from '@testing-library/react'
import type { BroadcastMeta, PresenceError } from '@wedsync/presence-core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createWorld, providerFor, ROOM, type World } from '../test/test-world.js'
import { useBroadcast } from './use-broadcast.js'
import { useRoom } from './use-room.js'

let world: World
beforeEach(() => {
  world = createWorld()
})
afterEach(() => {
  cleanup()
  world.dispose()
})

describe('useBroadcast', () => {
  it('hears broadcasts of its event, with the latest handler, and sends with receipts', async () => {
    const venue = world.supplier('u-venue')
    const photo = world.supplier('u-photo')
    const photoRoom = photo.client.enter(ROOM)
    const heardByPhoto: unknown[] = []
    photoRoom.onBroadcast('ceremony-moved', (payload) => heardByPhoto.push(payload))
    const heard: [string, unknown, BroadcastMeta][] = []
    const { result, rerender } = renderHook(
      ({ tag }: { tag: string }) => {
        useRoom(ROOM)
        return useBroadcast(ROOM, 'ceremony-moved', (payload, meta) =>
          heard.push([tag, payload, meta]),
        )
      },
      { wrapper: providerFor(venue.client, world.clock), initialProps: { tag: 'first' } },
    )
    await world.flush()

    void photoRoom.broadcast('ceremony-moved', { to: '16:00' })
    void photoRoom.broadcast('other-event', { ignored: true })
    await world.flush()
    expect(heard).toEqual([
      ['first', { to: '16:00' }, expect.objectContaining({ userId: 'u-photo' })],
    ])

    rerender({ tag: 'second' }) // a new handler, no new subscription needed
    void photoRoom.broadcast('ceremony-moved', { to: '16:30' })
    await world.flush()
    expect(heard.at(-1)?.slice(0, 2)).toEqual(['second', { to: '16:30' }])

    let report: Awaited<ReturnType<typeof result.current>> | undefined
    await act(async () => {
      const sent = result.current({ to: '17:00' }, { receipts: true })
      await world.clock.advance(100)
      report = await sent
    })
    expect(heardByPhoto).toEqual([{ to: '17:00' }])
    expect(report?.delivered).toEqual(['u-photo'])
  })

  it('send rejects while the room is not entered, and stops hearing after unmount', async () => {
    const venue = world.supplier('u-venue')
    const photo = world.supplier('u-photo')
    const photoRoom = photo.client.enter(ROOM)
    const heard: unknown[] = []
    const outside = renderHook(() => useBroadcast(ROOM, 'ceremony-moved'), {
      wrapper: providerFor(venue.client, world.clock),
    })
    await expect(outside.result.current({})).rejects.toMatchObject({
      code: 'PRESENCE_ROOM_LEFT',
    } satisfies Partial<PresenceError>)

    const inside = renderHook(
      () => {
        useRoom(ROOM)
        useBroadcast(ROOM, 'ceremony-moved', (payload) => heard.push(payload))
      },
      { wrapper: providerFor(venue.client, world.clock) },
    )
    await world.flush()
    inside.unmount()
    await world.flush()
    void photoRoom.broadcast('ceremony-moved', { to: '16:00' })
    await world.flush()
    expect(heard).toEqual([])
  })
})
