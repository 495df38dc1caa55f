import { describe, expect, it } from 'vitest'
import { createDeferred } from './deferred.js'

describe('createDeferred', () => {
  it('resolves once and ignores later calls', async () => {
    const d = createDeferred<number>()
    expect(d.settled).toBe(false)
    d.resolve(1)
    d.resolve(2)
    d.reject(new Error('late'))
    expect(d.settled).toBe(true)
    await expect(d.promise).resolves.toBe(1)
  })

  it('rejects once', async () => {
    const d = createDeferred()
    d.reject(new Error('no'))
    d.resolve()
    await expect(d.promise).rejects.toThrow('no')
  })
})
