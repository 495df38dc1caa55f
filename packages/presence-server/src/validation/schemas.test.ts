import { describe, expect, it } from 'vitest'
import { PresenceServerError } from '../errors.js'
import {
  customStatusSchema,
  idSchema,
  lastSeenQuerySchema,
  parseInput,
  statusUpdateSchema,
} from './schemas.js'

describe('schemas', () => {
  it('parse a full status update into sanitized values', () => {
    expect(
      parseInput(
        statusUpdateSchema,
        {
          status: 'away',
          customStatus: { text: 'Back\u200b soon', emoji: '☕' },
          activity: { action: 'viewing', page: '/w/1' },
        },
        'status update',
      ),
    ).toEqual({
      status: 'away',
      customStatus: { text: 'Back soon', emoji: '☕' },
      activity: { action: 'viewing', page: '/w/1' },
    })
  })

  it('refuse text longer than the input bound instead of storing a cut copy of it', () => {
    expect(customStatusSchema.safeParse({ text: 'x'.repeat(2_001) }).success).toBe(false)
    expect(customStatusSchema.safeParse({ text: 'x'.repeat(2_000) }).data).toEqual({
      text: 'x'.repeat(100),
    })
  })

  it.each(['', 'x'.repeat(129), 'ids', '__proto__', 'a\nb', 7])('refuse the id %j', (id) => {
    expect(idSchema.safeParse(id).success).toBe(false)
  })

  it('throw PRESENCE_PAYLOAD_INVALID with at most five issues', () => {
    const error = (() => {
      try {
        parseInput(
          lastSeenQuerySchema(100),
          Array.from({ length: 9 }, () => ''),
          'userIds',
        )
      } catch (e) {
        return e as PresenceServerError
      }
    })()
    expect(error).toBeInstanceOf(PresenceServerError)
    expect(error?.code).toBe('PRESENCE_PAYLOAD_INVALID')
    expect(error?.details).toHaveLength(5)
  })
})
