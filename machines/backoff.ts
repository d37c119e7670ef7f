// How long to wait after failed attempt n (1-based): min(maxDelayMs, baseDelayMs * 2^(n-1)),
// scaled by a jitter factor in [0, 1) ("full jitter": spreads retries of many clients apart).
import type { RetryPolicy } from './token.types.ts'

export function backoffDelay(attempt: number, retry: RetryPolicy, random: () => number): number {
  const exponential = retry.baseDelayMs * Math.pow(2, Math.max(0, attempt - 1))
  return Math.min(retry.maxDelayMs, exponential) * random()
}
