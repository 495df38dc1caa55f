/**
 * A user's manual status across devices whose clocks disagree: "latest wins" is decided by stamps
 * from each device's own clock, so a device stamps its change after the setting it adopted from
 * the others. A change the user makes later, on any device, wins — on every device and for every
 * observer — though one device's clock is 5 minutes ahead of or behind the other's.
 */
import { describe, expect, it } from 'vitest'
import { createWorld, MINUTE, ROOM } from '../test/test-world.js'

/** The phone's clock is `offsetMs` off; the laptop's and the board's are right. */
async function twoDevices(offsetMs: number) {
  const world = createWorld({ presenceLimit: false })
  const { clock, supplier } = world
  const board = supplier('u-venue').client.enter(ROOM)
  const phone = supplier('u-photo', {
    clock: { now: () => clock.now() + offsetMs },
    scheduler: clock,
    label: 'phone',
  })
  const laptop = supplier('u-photo', { label: 'laptop' })
  phone.client.enter(ROOM)
  laptop.client.enter(ROOM)
  await clock.advance(1_000)
  return { clock, board, phone: phone.client, laptop: laptop.client, errors: phone.errors }
}

describe('a manual status set later wins, whichever device’s clock is off', () => {
  it('busy on a phone 5 minutes ahead, then automatic again on the laptop a minute later', async () => {
    const { clock, board, phone, laptop } = await twoDevices(5 * MINUTE)
    phone.setStatus('busy')
    await clock.advance(1_000)
    expect(board.member('u-photo')?.status).toBe('busy')
    expect(laptop.me().status).toBe('busy')
    await clock.advance(MINUTE)
    laptop.setStatus(null)
    await clock.advance(1_000)
    expect(board.member('u-photo')?.status).toBe('online')
    expect(phone.me().manualStatus).toBeUndefined()
    expect(laptop.me().manualStatus).toBeUndefined()
  })

  it('away on the laptop, then busy on a phone 5 minutes behind', async () => {
    const { clock, board, phone, laptop } = await twoDevices(-5 * MINUTE)
    laptop.setStatus('away')
    await clock.advance(1_000)
    expect(phone.me().status).toBe('away')
    phone.setStatus('busy')
    await clock.advance(1_000)
    expect(board.member('u-photo')?.status).toBe('busy')
    expect(phone.me().status).toBe('busy')
    expect(laptop.me().status).toBe('busy')
  })
})
