import { cleanup, renderHook } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createWorld, providerFor } from '../test/test-world.js'
import { usePresenceClient, usePresenceTime } from './context.js'

afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

describe('PresenceProvider', () => {
  it('hands the client and its clock to the hooks, the clock as scheduler too', () => {
    const world = createWorld()
    const { client } = world.supplier('u-venue')
    const { result } = renderHook(
      () => ({ client: usePresenceClient(), time: usePresenceTime() }),
      {
        wrapper: providerFor(client, world.clock),
      },
    )
    expect(result.current.client).toBe(client)
    expect(result.current.time).toMatchObject({ clock: world.clock, scheduler: world.clock })
    world.dispose()
  })

  it('usePresenceClient says what is missing outside a provider', () => {
    // React 18 logs the error it rethrows; the throw is what this test is about.
    vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => renderHook(() => usePresenceClient())).toThrow(
      expect.objectContaining({
        code: 'PRESENCE_INVALID_ARGUMENT',
        message: expect.stringMatching(/PresenceProvider/),
      }),
    )
  })
})
