import { createFakeClock } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { createCredentialBook } from './credential-book.js'

describe('the credential book', () => {
  it('answers a credential once issued, the latest renewal, and waits for one on its way', async () => {
    const clock = createFakeClock()
    const book = createCredentialBook({ scheduler: clock, waitMs: 10_000 })
    const waiting = book.get('s-1')
    book.issued('s-1', 'first')
    expect(await waiting).toBe('first')
    book.issued('s-1', 'renewed')
    expect(await book.get('s-1')).toBe('renewed')
    expect(clock.pending()).toBe(0)
  })

  it('gives up after waitMs: the request then goes without one', async () => {
    const clock = createFakeClock()
    const book = createCredentialBook({ scheduler: clock, waitMs: 10_000 })
    let answer: string | undefined | 'pending' = 'pending'
    void book.get('s-2').then((credential) => {
      answer = credential
    })
    await clock.advance(9_999)
    expect(answer).toBe('pending')
    await clock.advance(1)
    expect(answer).toBeUndefined()
    // Issued later: the next request has it.
    book.issued('s-2', 'late')
    expect(await book.get('s-2')).toBe('late')
  })
})
