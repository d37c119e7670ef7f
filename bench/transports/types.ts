// What a contender may assume about where its requests go: a uni-style `request` (success / fail /
// complete callbacks) and a server it can count calls on. Three kinds: in-process with 0 latency
// (microtask), in-process with 5 ms, and real HTTP over 127.0.0.1 with at most 10 sockets.
import type { UniRequestOptions, UniRequestSuccess, UniRequestTask } from '../../test/helpers/uni-shim.ts'

export type TransportName = 'microtask' | '5ms' | 'http'

/**
 * How the token endpoint behaves: a status (500), a dropped connection, or no answer at all; how long its tokens
 * live (default an hour) and how long it takes to answer (default at once).
 */
export interface TokenBehaviour {
  tokenStatus?: number
  tokenFault?: 'reset' | 'hang'
  /** Lifetime of the tokens issued from now on, ms (sent as `expires_in` in seconds, fractions allowed). */
  ttlMs?: number
  /** Every token answer waits this long first, ms. */
  delayMs?: number
}

export interface BenchServer {
  /** Requests that reached this path; `/token` excludes tokens issued through `issue()`. */
  calls(path: string): number
  /** A valid token handed out of band, for contenders that start with one. */
  issue(): Promise<string>
  /** Every token issued so far stops working. */
  revokeAll(): void
  /** Replaces the token endpoint's behaviour; `{}` makes it issue tokens again. */
  setTokenBehaviour(behaviour: TokenBehaviour): void
}

export interface Transport {
  readonly name: TransportName
  /** Where API paths live, e.g. http://127.0.0.1:54321; the token endpoint is `${baseURL}/token`. */
  readonly baseURL: string
  readonly server: BenchServer
  request(options: UniRequestOptions): UniRequestTask
  close(): Promise<void>
}

/** A transport answer as axios' and alova's adapters need it: resolves on any HTTP status, rejects when none came. */
export function sendOver(
  transport: Transport,
  options: Omit<UniRequestOptions, 'success' | 'fail' | 'complete'> & { url: string },
): Promise<UniRequestSuccess> {
  return new Promise((resolve, reject) => {
    transport.request({
      ...(options as UniRequestOptions),
      success: resolve,
      fail: (failure) => reject(Object.assign(new Error(failure.errMsg), { errMsg: failure.errMsg })),
    })
  })
}
