// An in-process fetchToken for controller tests: every call is a deferred the test settles by hand,
// counted with the calls still in flight (neither settled nor aborted) and the most ever in flight.
import { vi } from 'vitest'
import type { AbortSignalLike, FetchTokenContext, TokenResponse } from '../../src/index.ts'

export interface FetchCall {
  readonly attempt: number
  readonly reason: string
  /** What the controller handed over; read through the property, as fetchToken would. */
  readonly refreshToken: string | undefined
  readonly signal: AbortSignalLike
  /** True once answered, failed or aborted. */
  readonly done: boolean
  /** Answers with anything, valid or not. */
  respond(response: unknown): void
  /** Answers with a token that lives `expiresInS` seconds, plus any extra fields. */
  grant(accessToken: string, expiresInS?: number, extra?: Record<string, unknown>): void
  fail(error: unknown): void
}

export interface FakeFetch {
  readonly fetchToken: (context: FetchTokenContext) => Promise<TokenResponse>
  readonly calls: FetchCall[]
  readonly count: number
  readonly inFlight: number
  readonly maxInFlight: number
  /** The latest call; throws if there is none. */
  last(): FetchCall
}

/**
 * A fetchToken whose calls wait for the test. `auto`, if given, answers each call as it starts
 * (return undefined to leave it pending).
 */
export function fakeFetch(auto?: (call: FetchCall) => void): FakeFetch {
  const calls: FetchCall[] = []
  let inFlight = 0
  let maxInFlight = 0

  const fetchToken = vi.fn((context: FetchTokenContext): Promise<TokenResponse> => {
    let done = false
    let resolve!: (value: unknown) => void
    let reject!: (error: unknown) => void
    const promise = new Promise<TokenResponse>((res, rej) => {
      resolve = res as (value: unknown) => void
      reject = rej
    })
    const finish = () => {
      if (done) return false
      done = true
      inFlight--
      return true
    }
    context.signal.addEventListener('abort', finish)
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    const call: FetchCall = {
      attempt: context.attempt,
      reason: context.reason,
      refreshToken: context.refreshToken,
      signal: context.signal,
      get done() {
        return done
      },
      respond(response) {
        finish()
        resolve(response)
      },
      grant(accessToken, expiresInS = 3600, extra = {}) {
        call.respond({ access_token: accessToken, expires_in: expiresInS, ...extra })
      },
      fail(error) {
        finish()
        reject(error)
      },
    }
    calls.push(call)
    auto?.(call)
    return promise
  })

  return {
    fetchToken,
    calls,
    get count() {
      return calls.length
    },
    get inFlight() {
      return inFlight
    },
    get maxInFlight() {
      return maxInFlight
    },
    last() {
      const call = calls[calls.length - 1]
      if (!call) throw new Error('fetchToken was never called')
      return call
    },
  }
}

/** Lets promise callbacks run (fetch answers reach the machine) without moving the fake clock. */
export async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0)
}

/** A promise's outcome so far, without waiting: 'pending', or how it settled. */
export function track<T>(promise: Promise<T>): {
  readonly status: 'pending' | 'fulfilled' | 'rejected'
  readonly value?: T
  readonly reason?: unknown
} {
  const state: { status: 'pending' | 'fulfilled' | 'rejected'; value?: T; reason?: unknown } = { status: 'pending' }
  promise.then(
    (value) => Object.assign(state, { status: 'fulfilled', value }),
    (reason: unknown) => Object.assign(state, { status: 'rejected', reason }),
  )
  return state
}

/** A signal-like object that is not an AbortController's: the shape mini-programs get. */
export function minimalSignal(): AbortSignalLike & { abort(reason?: unknown): void; readonly listeners: number } {
  let listeners: Array<() => void> = []
  const signal = {
    aborted: false,
    reason: undefined as unknown,
    addEventListener: (_type: 'abort', listener: () => void) => void listeners.push(listener),
    removeEventListener: (_type: 'abort', listener: () => void) => void (listeners = listeners.filter((l) => l !== listener)),
    abort(reason?: unknown) {
      signal.aborted = true
      signal.reason = reason
      for (const listener of listeners.splice(0)) listener()
    },
    get listeners() {
      return listeners.length
    },
  }
  return signal
}
