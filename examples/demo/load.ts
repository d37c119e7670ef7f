// The traffic: bursts of concurrent GETs through the app's luch-request instance, each outcome tallied.
// A request ends one of three ways: answered, rejected with a TokenError code, or rejected some other
// way (an HTTP error or a network failure): the last kind should never happen, and the summary says so.
import type Request from 'luch-request'
import { isTokenError } from '../../src/index.ts'

export interface LoadTally {
  sent: number
  ok: number
  /** Rejections with a TokenError, by code. */
  tokenErrors: Map<string, number>
  /** Rejections that are not TokenErrors, by `HTTP <status>` or `network`. */
  otherErrors: Map<string, number>
  /** Answers with status 401 (each one, with a replay left, is replayed by the adapter). */
  unauthorized: number
}

export interface Load {
  readonly tally: LoadTally
  /** Fires `concurrency` requests at once; does not wait for them. */
  burst(): void
  /** Requests sent and not yet settled. */
  readonly inFlight: number
  /** Resolves when every request sent so far has settled, or false after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean>
}

export function createLoad(http: Request, concurrency: number): Load {
  const tally: LoadTally = { sent: 0, ok: 0, tokenErrors: new Map(), otherErrors: new Map(), unauthorized: 0 }
  const pending = new Set<Promise<void>>()
  let page = 0

  function send(): void {
    tally.sent++
    const request: Promise<void> = http.get('/api/orders', { params: { page: ++page } }).then(
      () => void tally.ok++,
      (failure: unknown) => {
        if (isTokenError(failure)) return bump(tally.tokenErrors, failure.code)
        const status = (failure as { statusCode?: unknown } | null)?.statusCode
        bump(tally.otherErrors, typeof status === 'number' ? `HTTP ${status}` : 'network')
      },
    )
    pending.add(request)
    void request.finally(() => pending.delete(request))
  }

  return {
    tally,
    burst() {
      for (let i = 0; i < concurrency; i++) send()
    },
    get inFlight() {
      return pending.size
    },
    async drain(timeoutMs) {
      let timer: ReturnType<typeof setTimeout> | undefined
      const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))
      const settled = Promise.all(pending).then(() => true as const)
      const result = await Promise.race([settled, timedOut])
      clearTimeout(timer)
      return result
    },
  }
}

export function bump(counts: Map<string, number>, key: string, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by)
}
