// How long to wait after failed attempt n (1-based): min(maxDelayMs, baseDelayMs * 2^(n-1)),
// scaled by a jitter factor in [0, 1) ("full jitter": spreads retries of many clients apart).
import type { RetryPolicy } from './token.types.ts'

/** The longest delay setTimeout holds: past 2^31 - 1 ms it overflows and fires at once (Node: after 1 ms). */
export const MAX_TIMER_MS = 2_147_483_647

export function backoffDelay(attempt: number, retry: RetryPolicy, random: () => number): number {
  const exponential = retry.baseDelayMs * Math.pow(2, Math.max(0, attempt - 1))
  return Math.min(retry.maxDelayMs, exponential) * random()
}
