// retryAfterMs: Retry-After as delta-seconds or an HTTP date, from the root export a fetchToken author uses.
import { describe, expect, it } from 'vitest'
import { retryAfterMs } from 'painless-token'
import { retryAfterMs as fromFetchEntry } from 'painless-token/fetch'

describe('retryAfterMs', () => {
  it('reads Retry-After as seconds or as an HTTP date, and ignores nonsense', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(retryAfterMs('2', now)).toBe(2000)
    expect(retryAfterMs(['1.5'], now)).toBe(1500)
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000)
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:00 GMT', now + 5000)).toBe(0)
    expect(retryAfterMs('soon', now)).toBeUndefined()
  })

  it('reads a number of seconds given as a number', () => {
    expect(retryAfterMs(2, 0)).toBe(2000)
  })

  it.each([[undefined], [null], [{}], [true], [[]]])('gives undefined for %o', (value) => {
    expect(retryAfterMs(value, 0)).toBeUndefined()
  })

  it('is the same function from the root and from painless-token/fetch', () => {
    expect(fromFetchEntry).toBe(retryAfterMs)
  })
})
