// The retry delay: min(maxDelayMs, baseDelayMs * 2^(n-1)) for failed attempt n, times the jitter factor.
import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../machines/backoff.ts'

const policy = { attempts: 10, baseDelayMs: 300, maxDelayMs: 10_000 }
const noJitter = () => 1

describe('backoffDelay', () => {
  it('doubles from baseDelayMs with each failed attempt', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, noJitter))).toEqual([300, 600, 1200, 2400, 4800, 9600])
  })

  it('caps the delay at maxDelayMs', () => {
    expect(backoffDelay(7, policy, noJitter)).toBe(10_000)
    expect(backoffDelay(20, policy, noJitter)).toBe(10_000)
  })

  it('stays at maxDelayMs for an attempt number whose power of two overflows', () => {
    expect(backoffDelay(5000, policy, noJitter)).toBe(10_000)
  })

  it('caps even the first delay when maxDelayMs is below baseDelayMs', () => {
    expect(backoffDelay(1, { attempts: 3, baseDelayMs: 300, maxDelayMs: 100 }, noJitter)).toBe(100)
  })

  it('is zero with a zero base', () => {
    expect(backoffDelay(3, { attempts: 3, baseDelayMs: 0, maxDelayMs: 10_000 }, noJitter)).toBe(0)
  })

  it('multiplies the capped delay by the jitter factor', () => {
    expect(backoffDelay(1, policy, () => 0.5)).toBe(150)
    expect(backoffDelay(3, policy, () => 0.25)).toBe(300)
    expect(backoffDelay(10, policy, () => 0.5)).toBe(5000)
    expect(backoffDelay(2, policy, () => 0)).toBe(0)
  })

  it('keeps the first jittered delay within [0, baseDelayMs]', () => {
    for (let i = 0; i < 1000; i++) {
      const delay = backoffDelay(1, policy, Math.random)
      expect(delay).toBeGreaterThanOrEqual(0)
      expect(delay).toBeLessThanOrEqual(300)
    }
    expect(backoffDelay(1, policy, () => 0.999_999)).toBeLessThan(300)
  })

  it('draws one jitter factor per delay', () => {
    let draws = 0
    backoffDelay(4, policy, () => {
      draws++
      return 1
    })
    expect(draws).toBe(1)
  })
})
