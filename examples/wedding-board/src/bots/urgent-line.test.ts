import { describe, expect, it } from 'vitest'
import { urgentLine } from './urgent-line.js'

describe('urgentLine', () => {
  it('says delivered only for someone online whose receipt gets through', () => {
    expect(urgentLine('Ana', 'Rain plan', 'online', false)).toBe(
      'Ana got the urgent message "Rain plan" and confirmed it',
    )
  })

  it('says an idle or busy person is not present, whatever their signal', () => {
    for (const lost of [false, true]) {
      expect(urgentLine('Tom Becker', 'Rain plan', 'idle', lost)).toBe(
        `Tom Becker's device got the urgent message "Rain plan" while idle: not present for the board, which routes it on`,
      )
    }
    expect(urgentLine('Lea', 'x', 'busy', false)).toContain('while busy: not present')
  })

  it('says no receipt for someone online whose receipt is lost', () => {
    expect(urgentLine('Ben', 'x', 'online', true)).toBe(
      `Ben's phone got the urgent message "x", but its receipt is lost (poor signal): the board sees no receipt`,
    )
  })
})
