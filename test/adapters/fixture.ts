// Per-test setup for the adapter-specific tests: a loopback token server, a controller fetching from it, a Node
// uni shim for uni/wx, all closed by onTestFinished after the test, last first.
import { onTestFinished } from 'vitest'
import { createTokenController, type TokenController, type TokenControllerOptions } from '../../src/index.ts'
import { startTokenServer, type TokenServer, type TokenServerOptions } from '../helpers/token-server.ts'
import { createUniShim, type UniShim } from '../helpers/uni-shim.ts'

export interface AdapterSetup {
  server: TokenServer
  tokens: TokenController
  shim: UniShim
}

/** Call inside a test: everything it starts is closed when the test finishes. */
export async function setup(server: TokenServerOptions = {}, tokens: Partial<TokenControllerOptions> = {}): Promise<AdapterSetup> {
  const started = await startTokenServer(server)
  onTestFinished(() => started.close())
  const shim = createUniShim()
  onTestFinished(() => shim.close())
  const controller = createTokenController({
    fetchToken: ({ attempt, signal }) => started.fetchToken({ attempt, signal: signal as AbortSignal }),
    retry: { baseDelayMs: 0 },
    ...tokens,
  })
  onTestFinished(() => controller.stop())
  return { server: started, tokens: controller, shim }
}

/** A uni/wx request function that records each call and hands out tasks the test answers by hand. */
export function manualPlatform() {
  const calls: Array<{ options: Record<string, any>; task: Record<string, any>; listeners: Array<[string, unknown]> }> = []
  const request = (options: Record<string, any>) => {
    const listeners: Array<[string, unknown]> = []
    const record = (name: string) => (listener: unknown) => void listeners.push([name, listener])
    const task = {
      abort: () => options.fail?.({ errMsg: 'request:fail abort' }),
      onHeadersReceived: record('onHeadersReceived'),
      offHeadersReceived: record('offHeadersReceived'),
      onChunkReceived: record('onChunkReceived'),
      offChunkReceived: record('offChunkReceived'),
    }
    calls.push({ options, task, listeners })
    return task
  }
  /** Answers the n-th call with a status (and body). */
  const answer = (n: number, statusCode: number, data: unknown = {}) => {
    const result = { statusCode, data, header: {}, errMsg: 'request:ok' }
    calls[n]?.options.success?.(result)
    calls[n]?.options.complete?.(result)
  }
  return { request, calls, answer }
}
