// No token is ever printed: a failure-heavy run (bursts, failures, malformed answers, timeouts,
// retries, aborts, invalidations, clears, stop) whose every event, error and inspection is logged,
// with the console captured, and no captured line holds any token issued during the run.
import { randomBytes } from 'node:crypto'
import { inspect as show } from 'node:util'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { createTokenController, memoryStorage, type TokenStorage } from '../src/index.ts'
import { fakeFetch, minimalSignal, type FetchCall } from './helpers/fake-fetch.ts'

const METHODS = ['log', 'warn', 'error', 'info', 'debug'] as const
let printed: string[] = []

beforeEach(() => {
  vi.useFakeTimers()
  printed = []
  for (const method of METHODS) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      printed.push(args.map((arg) => (typeof arg === 'string' ? arg : show(arg, { depth: 8, showHidden: false }))).join(' '))
    })
  }
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.useRealTimers()
})

it('prints no issued access or refresh token through a failure-heavy run with everything logged', async () => {
  // Jitter stays on, from a seeded sequence so the run is the same every time.
  let seed = 7
  vi.spyOn(Math, 'random').mockImplementation(() => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647)
  const secrets: string[] = []
  const secret = (kind: string) => {
    const value = `${kind}-${randomBytes(12).toString('hex')}`
    secrets.push(value)
    return value
  }
  // Answers in turn: success, failure, past expiry, hang, hang, success with a refresh token, an invalid refresh token.
  let turn = 0
  const answer = (call: FetchCall) => {
    const kind = [0, 1, 2, 3, 3, 4, 5][turn++ % 7]
    if (kind === 0) setTimeout(() => call.grant(secret('access'), 3), 20)
    if (kind === 1) setTimeout(() => call.fail(Object.assign(new Error('503 from the token endpoint'), { code: 'E_HTTP' })), 10)
    if (kind === 2) call.respond({ accessToken: secret('access'), expiresAt: 1 })
    if (kind === 4) setTimeout(() => call.grant(secret('access'), 3, { refresh_token: secret('refresh') }), 30)
    if (kind === 5) call.respond({ access_token: secret('access'), expires_in: 3, refresh_token: '' })
  }
  const fetch = fakeFetch(answer)
  const inner = memoryStorage()
  let writes = 0
  const storage: TokenStorage = {
    get: (key) => inner.get(key),
    // Every other write fails with a message quoting the value, as some platforms do.
    set: (key, value) => {
      if (writes++ % 2 === 1) throw new Error(`setStorageSync:fail ${value}`)
      return inner.set(key, value)
    },
    remove: (key) => inner.remove(key),
  }
  const tokens = createTokenController({
    fetchToken: fetch.fetchToken,
    storage,
    leewayMs: 1_000,
    fetchTimeoutMs: 300,
    // Shorter than one hanging attempt: a request parked behind one times out (WAIT_TIMEOUT is printed).
    waitTimeoutMs: 250,
    maxQueue: 20,
    retry: { attempts: 3, baseDelayMs: 50 },
    onEvent: (event) => console.info('[painless-token]', event),
    inspect: (event) => {
      console.debug(event.type, 'event' in event ? JSON.stringify(event.event) : '')
      if ('snapshot' in event) console.debug(JSON.stringify(event.snapshot))
    },
  })
  const log = (request: Promise<string>) =>
    request.then(
      () => console.log('request ok'),
      (error: unknown) => {
        console.error('request failed', error)
        console.warn('cause', (error as { cause?: unknown }).cause)
      },
    )
  const outcomes: Array<Promise<void>> = []
  let lastGood: string | undefined

  for (let round = 0; round < 80; round++) {
    for (let i = 0; i < 25; i++) {
      const signal = i % 4 === 0 ? minimalSignal() : undefined
      outcomes.push(log(tokens.getToken(signal ? { signal } : undefined)))
      if (signal) setTimeout(() => signal.abort(new Error('page hidden')), 40)
    }
    if (tokens.state === 'valid') {
      const current = await tokens.getToken()
      if (round % 3 === 0) tokens.invalidate(current)
      if (lastGood && lastGood !== current) tokens.invalidate(lastGood) // a late 401 for an older token
      lastGood = current
    }
    if (round % 10 === 5) outcomes.push(log(tokens.refresh()))
    if (round % 17 === 16) tokens.clear()
    await vi.advanceTimersByTimeAsync(250)
  }
  tokens.stop()
  outcomes.push(log(tokens.getToken()), log(tokens.refresh()))
  tokens.invalidate(lastGood ?? 'none')
  tokens.clear()
  await vi.advanceTimersByTimeAsync(5_000)
  await Promise.all(outcomes)

  // The run did what it claims: tokens issued and used, and every kind of failure logged.
  expect(secrets.filter((s) => s.startsWith('access')).length).toBeGreaterThan(20)
  expect(secrets.some((s) => s.startsWith('refresh'))).toBe(true)
  expect(fetch.maxInFlight).toBe(1)
  // Assertions print lists of names and counts only, never the captured output (a failure would show it).
  const all = printed.join('\n')
  const codes = ['REFRESH_FAILED', 'WAIT_TIMEOUT', 'ABORTED', 'STOPPED', 'QUEUE_FULL', 'INVALID_TOKEN_RESPONSE', 'FETCH_TIMEOUT']
  const types = ['refresh.retrying', 'refresh.failed', 'refresh.succeeded', 'token.invalidated', 'storage.failed', 'request ok']
  expect([...codes, ...types].filter((word) => !all.includes(word))).toEqual([])
  // And none of it shows a token.
  const leaks = secrets.filter((value) => all.includes(value))
  expect(leaks.length, 'issued tokens found in console output').toBe(0)
})
