// What every fault suite needs around the loopback token server: a controller that records its events
// and is stopped after the test, the two ways a fetchToken reaches the server (the app's own HTTP client,
// or the same luch-request instance with `auth: false`), and a ledger that proves no request was lost.
import Request from 'luch-request'
import { expect, onTestFinished } from 'vitest'
import {
  attachTokenController,
  createTokenController,
  type FetchTokenContext,
  type TokenController,
  type TokenControllerEvent,
  type TokenControllerOptions,
  type TokenResponse,
} from '../../src/index.ts'
import { useLuchFixture } from '../helpers/luch-fixture.ts'
import type { TokenServer } from '../helpers/token-server.ts'

export type FetchToken = (context: FetchTokenContext) => Promise<TokenResponse>

export interface EventLog {
  readonly list: TokenControllerEvent[]
  push(event: TokenControllerEvent): void
  count(type: string): number
  of(type: string): TokenControllerEvent[]
  /** Resolves with the `n`th event of `type` (1-based), at once if it already came. */
  when(type: string, n?: number): Promise<TokenControllerEvent>
}

export function eventLog(): EventLog {
  const list: TokenControllerEvent[] = []
  const waiting = new Set<() => boolean>()
  const of = (type: string) => list.filter((e) => e.type === type)
  return {
    list,
    push(event) {
      list.push(event)
      for (const check of waiting) if (check()) waiting.delete(check)
    },
    count: (type) => of(type).length,
    of,
    when: (type, n = 1) =>
      new Promise((resolve) => {
        const check = () => {
          const event = of(type)[n - 1]
          if (event) resolve(event)
          return event !== undefined
        }
        if (!check()) waiting.add(check)
      }),
  }
}

/**
 * Counts what was asked and what came back. `settle` awaits every outcome with allSettled, so a test
 * that reaches its assertions has proven nothing hangs; `expectNothingLost` proves each got exactly one.
 */
export function ledger() {
  const asked: Promise<unknown>[] = []
  let settled = 0
  return {
    track<T>(request: Promise<T>): Promise<T> {
      asked.push(request)
      request.then(
        () => settled++,
        () => settled++,
      )
      return request
    },
    async settle() {
      return Promise.allSettled(asked)
    },
    /** Every request got its one outcome, the queue is empty, and every parked one was released or rejected. */
    expectNothingLost(tokens?: TokenController, events?: EventLog) {
      expect(settled).toBe(asked.length)
      if (tokens) expect(tokens.queueSize).toBe(0)
      if (events) expect(events.count('request.released') + events.count('request.rejected')).toBe(events.count('request.parked'))
    },
    get asked() {
      return asked.length
    },
    /** Outcomes seen so far; after `await flush()` for anything that settled synchronously. */
    get settled() {
      return settled
    },
  }
}

/** The file's hooks: a uni shim around each test, and everything a test started closed after it. */
export function useFaultRig() {
  const fixture = useLuchFixture()

  /**
   * A controller whose events go to `events`, stopped after the test. Retries wait 0 ms unless told.
   * `fetches()` counts fetchToken calls as they start: on a virtual clock, before any socket opens.
   */
  function controller(options: TokenControllerOptions & { events?: EventLog }) {
    const { events = eventLog(), fetchToken, ...rest } = options
    let fetches = 0
    const tokens = createTokenController({
      retry: { baseDelayMs: 0 },
      ...rest,
      fetchToken: (context) => {
        fetches++
        return fetchToken(context)
      },
      onEvent: (e) => events.push(e),
    })
    onTestFinished(() => tokens.stop())
    return { tokens, events, fetches: () => fetches }
  }

  /** fetchToken as an app writes it over its own HTTP client (test/helpers/token-client.ts). */
  function directFetch(server: TokenServer): FetchToken {
    return ({ attempt, signal }) => server.fetchToken({ attempt, signal: signal as AbortSignal })
  }

  /**
   * A luch-request instance with a controller attached, whose fetchToken POSTs /token through that same
   * instance (`auth: false`), aborting the uni task when the controller abandons the attempt.
   */
  function luchClient(server: TokenServer, options: ClientOptions = {}) {
    const http = new Request({ baseURL: server.url })
    const fetchToken: FetchToken = async ({ signal }) => {
      const response = await http.post(
        '/token',
        { grant_type: 'client_credentials' },
        {
          header: { 'content-type': 'application/x-www-form-urlencoded' },
          custom: { auth: false },
          getTask: (task) => signal.addEventListener('abort', () => task.abort()),
        },
      )
      return response.data as TokenResponse
    }
    const client = controller({ ...options, fetchToken })
    attachTokenController(http, client.tokens)
    return { http, ...client }
  }

  /** The app's side of a test, the same whichever way its fetchToken reaches the server. */
  function connect(via: Via, server: TokenServer, options: ClientOptions = {}): Client {
    if (via === 'own') {
      const client = controller({ ...options, fetchToken: directFetch(server) })
      return { ...client, send: () => client.tokens.getToken(), apiCalls: () => 0, tokenOf: (value) => value as string }
    }
    const { http, ...client } = luchClient(server, options)
    return {
      ...client,
      send: (i) => http.get(`/api/item/${i}`),
      apiCalls: () => fixture.shim.calls() - fixture.shim.calls('/token'),
      tokenOf: (value) =>
        /^Bearer (.+)$/.exec(String((value as { config: { header: Record<string, string> } }).config.header.Authorization))?.[1],
    }
  }

  return {
    fixture,
    get shim() {
      return fixture.shim
    },
    startServer: fixture.startServer,
    controller,
    directFetch,
    luchClient,
    connect,
  }
}

/** How the app's fetchToken reaches the token endpoint: its own HTTP client, or the attached luch-request instance. */
export type Via = 'own' | 'luch'

/** For describe.each: every fault runs both ways. */
export const VIAS = [
  { path: 'its own HTTP client', via: 'own' as Via },
  { path: 'the same luch-request instance', via: 'luch' as Via },
]

export type ClientOptions = Omit<TokenControllerOptions, 'fetchToken'> & { events?: EventLog }

export interface Client {
  tokens: TokenController
  events: EventLog
  /** fetchToken calls started so far. */
  fetches(): number
  /** What the app does per request: getToken, or a luch-request GET of /api/item/i. */
  send(i: number): Promise<unknown>
  /** Requests that reached the API: none may go out without a token. */
  apiCalls(): number
  /** The token a fulfilled request carried, from its outcome. */
  tokenOf(value: unknown): string | undefined
}

/** Lets promise callbacks queued so far run: for "nothing settled yet" checks, never for waiting on I/O. */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Compared as a boolean so a failing assertion never prints a token. */
export const isToken = (value: unknown) => typeof value === 'string' && value.length > 20
