// One whole token cycle (refresh, park, release, failure, abort, timeout, stop) plus signing,
// recording outcomes as plain data: runs where test assertions cannot (no globals, child process).
import { createSigner, createTokenController, md5Upper, memoryStorage, type TokenController } from '../../src/index.ts'

function controlledFetch() {
  const answers: Array<(answer: unknown) => void> = []
  let calls = 0
  return {
    calls: () => calls,
    answer: (value: unknown) => answers.shift()?.(value),
    fetchToken: () => {
      calls++
      return new Promise<{ access_token: string; expires_in: number }>((resolve, reject) => {
        answers.push((value) => (value instanceof Error ? reject(value) : resolve(value as { access_token: string; expires_in: number })))
      })
    },
  }
}

function signalLike() {
  const listeners: Array<() => void> = []
  const signal = {
    aborted: false,
    reason: undefined as unknown,
    addEventListener: (_: 'abort', listener: () => void) => listeners.push(listener),
    removeEventListener: (_: 'abort', listener: () => void) => listeners.splice(listeners.indexOf(listener), 1),
  }
  return {
    signal,
    abort: (reason: unknown) => {
      signal.aborted = true
      signal.reason = reason
      listeners.slice().forEach((l) => l())
    },
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

export const outcome = (promise: Promise<unknown>) =>
  promise.then(
    (value) => ({ value }),
    (error: { code?: string; attempts?: number }) => ({ code: error.code, attempts: error.attempts }),
  )

export async function runTokenCycle() {
  const server = controlledFetch()
  const tokens: TokenController = createTokenController({
    fetchToken: server.fetchToken,
    storage: memoryStorage(),
    retry: { attempts: 2, baseDelayMs: 0, jitter: false },
    // Long enough that a loaded machine cannot run out of it before the failure steps finish (they take a few ticks).
    waitTimeoutMs: 250,
  })
  try {
    const hadAbortController = typeof AbortController !== 'undefined'
    // refresh + park + release
    const burst = Promise.all([tokens.getToken(), tokens.getToken(), tokens.getToken()].map(outcome))
    const queueWhileRefreshing = tokens.queueSize
    server.answer({ access_token: 'mp-token-1', expires_in: 3600 })
    const released = await burst
    const callsAfterBurst = server.calls()

    // failure: two failed attempts reject every parked request
    tokens.invalidate('mp-token-1')
    const parked = outcome(tokens.getToken())
    server.answer(new Error('500'))
    await tick()
    await tick()
    server.answer(new Error('500'))
    const failed = await parked
    const stateAfterFailure = tokens.state

    // abort with a signal-like object while parked
    const { signal, abort } = signalLike()
    const aborting = outcome(tokens.getToken({ signal }))
    abort('user left the page')
    const aborted = await aborting

    // wait timeout while the fetch hangs
    const timedOut = await outcome(tokens.getToken())

    // stop: the parked request and later ones reject with STOPPED
    const beforeStop = outcome(tokens.getToken())
    tokens.stop()
    const stopped = [await beforeStop, await outcome(tokens.getToken())]
    return { hadAbortController, queueWhileRefreshing, released, callsAfterBurst, failed, stateAfterFailure, aborted, timedOut, stopped }
  } finally {
    tokens.stop()
  }
}

export function runSigning() {
  const sign = createSigner({ secret: 'test-secret' })
  const config = sign({ url: 'https://api.example.com/orders?b=2&a=1', method: 'post', data: { n: 1 } }, 'token')
  return { signature: config.header['X-Signature'], nonce: config.header['X-Nonce'], md5: md5Upper('abc') }
}
