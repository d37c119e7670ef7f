// Retry-After (RFC 9110 §10.2.3) in ms: delta-seconds or an HTTP date. Pure; the caller brings the clock.

/**
 * A 429's Retry-After in ms (delta-seconds or an HTTP date), for `fetchToken` errors: the machine
 * waits that long before the next attempt instead of its own backoff. Undefined when absent or unreadable.
 * `now` is epoch ms; pass the controller's clock (`tokens.now()`) so an HTTP date is read on the same time line.
 *
 * @example
 * fetchToken: async () => {
 *   const response = await fetch('/token', { method: 'POST' })
 *   if (response.status === 429) {
 *     throw Object.assign(new Error('rate limited'), { retryAfterMs: retryAfterMs(response.headers.get('Retry-After'), Date.now()) })
 *   }
 *   return response.json()
 * }
 */
export function retryAfterMs(value: unknown, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value
  if (typeof text !== 'string' && typeof text !== 'number') return undefined
  const trimmed = String(text).trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return isNaN(date) ? undefined : Math.max(0, date - now)
}
