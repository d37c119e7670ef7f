// Real luch-request over the uni shim against the loopback token server, for test/adapters/luch-request.*: a fresh shim
// around each test that uses one, and whatever a test started is closed by onTestFinished after it, last first.
import Request, { type HttpResponse } from 'luch-request'
import { onTestFinished } from 'vitest'
import {
  attachTokenController,
  createTokenController,
  type LuchRequestAdapterOptions,
  type TokenControllerEvent,
  type TokenControllerOptions,
} from '../../src/index.ts'
import { startTokenServer, type TokenServerOptions } from './token-server.ts'
import { createUniShim, installUniShim, type UniRequestOptions, type UniRequestTask, type UniShim } from './uni-shim.ts'

export interface LuchSetupOptions {
  server?: TokenServerOptions
  /** Spread over the fixture's own: a `fetchToken` here replaces the recording one. */
  tokens?: Partial<TokenControllerOptions>
  adapter?: LuchRequestAdapterOptions
  /** The instance's baseURL, or a function of the server's URL; by default the server's URL. */
  baseURL?: string | ((serverUrl: string) => string)
}

/** Call once at the top of a test file; use what it returns inside tests. Cleanups go through onTestFinished. */
export function useLuchFixture() {
  let shim: UniShim | undefined

  // Made on first use inside a test and removed when it finishes: registered first, so it goes last.
  const currentShim = (): UniShim => {
    if (shim) return shim
    const created = createUniShim()
    const uninstall = installUniShim(created)
    shim = created
    onTestFinished(() => {
      uninstall()
      created.close()
      shim = undefined
    })
    return created
  }

  /** Until the test ends, uni.request goes through `wrap`; `send` is the test's shim, not an earlier wrapper. */
  function wrapUniRequest(
    wrap: (options: UniRequestOptions, send: (options: UniRequestOptions) => UniRequestTask) => UniRequestTask,
  ): void {
    const base = currentShim()
    onTestFinished(installUniShim({ ...base, request: (options) => wrap(options, base.request) }))
  }

  async function startServer(options?: TokenServerOptions) {
    currentShim()
    const server = await startTokenServer(options)
    onTestFinished(() => server.close())
    return server
  }

  /** A server, a controller that records its events and the tokens it fetched, and an instance attached to it. */
  async function setup(options: LuchSetupOptions = {}) {
    const server = await startServer(options.server)
    const issued: string[] = []
    const events: TokenControllerEvent[] = []
    let fetchCalls = 0
    const tokens = createTokenController({
      fetchToken: async ({ attempt, signal }) => {
        fetchCalls++
        const body = await server.fetchToken({ attempt, signal: signal as AbortSignal })
        issued.push(body.access_token)
        return body
      },
      retry: { baseDelayMs: 0 },
      onEvent: (event) => events.push(event),
      ...options.tokens,
    })
    onTestFinished(() => tokens.stop())
    const { baseURL = server.url } = options
    const http = new Request({ baseURL: typeof baseURL === 'function' ? baseURL(server.url) : baseURL })
    const detach = attachTokenController(http, tokens, options.adapter)
    return { server, tokens, http, detach, issued, events, fetches: () => fetchCalls }
  }

  return {
    /** The uni shim of the running test: `calls()` counts what reached uni.request. */
    get shim() {
      return currentShim()
    },
    /** onTestFinished, for rigs built on this fixture (test/faults). */
    onCleanup: (cleanup: () => unknown): void =>
      onTestFinished(async () => {
        await cleanup()
      }),
    wrapUniRequest,
    startServer,
    setup,
  }
}

// Compared as booleans so a failing assertion never prints a token.
export const carried = (response: HttpResponse, token: string | undefined) => response.config.header?.Authorization === `Bearer ${token}`
export const burst = (n: number, send: (i: number) => Promise<HttpResponse>) =>
  Promise.allSettled(Array.from({ length: n }, (_, i) => send(i)))
export const count = (events: TokenControllerEvent[], type: string) => events.filter((e) => e.type === type).length
