// Every default, defined once. The machine starts on these when it gets no input (Stately, the visualizer,
// `createActor(tokenMachine)`); src/options.ts resolves the controller's options over the same values.
// `retry.maxRetryAfterMs` has no constant: it defaults to the resolved `waitTimeoutMs`.

/** Attempts per refresh cycle, the backoff between them, and the cool-down after a failed cycle (0: none). */
export const DEFAULT_RETRY = { attempts: 3, baseDelayMs: 300, maxDelayMs: 10_000, cooldownMs: 0 }

/** Full jitter on the backoff delay: many clients that failed together retry apart. Controller only. */
export const DEFAULT_JITTER = true

export const DEFAULT_TIMEOUTS = { leewayMs: 30_000, fetchTimeoutMs: 10_000, waitTimeoutMs: 30_000, maxQueue: 10_000 }

/** How long before expiry a token is refreshed in the background while still handed out (the soft window's bound). */
export const DEFAULT_REFRESH_AHEAD_MS = 300_000

/** Where the controller keeps the token in storage. Controller only. */
export const DEFAULT_STORAGE_KEY = 'painless-token'

/** `value`, or `fallback` when it is missing. Only `undefined` is missing: options.ts refuses `null` by name. */
export function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value
}
