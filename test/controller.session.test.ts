// Sessions (issue 16): a grant handed over with setGrant, ready/hasSession after hydration, logout with revocation,
// "login required" told apart from a transient failure (no retry, one onLoginRequired per loss), and the cool-down
// after a failed cycle. Time is the suite's one virtual clock; storage is a Map the test reads.
import { describe, expect, it, vi } from 'vitest'
import {
  createTokenController,
  InvalidTokenResponseError,
  LoginRequiredError,
  StoppedError,
  TokenRefreshError,
  type TokenControllerEvent,
  type TokenControllerOptions,
  type TokenStorage,
} from '../src/index.ts'
import { fakeFetch, track } from './helpers/fake-fetch.ts'
import { createVirtualClock } from './helpers/virtual-clock.ts'

const KEY = 'painless-token'
const flush = () => new Promise<void>((resolve) => setImmediate(resolve))

function mapStorage(initial?: string): TokenStorage & { map: Map<string, string> } {
  const map = new Map<string, string>()
  if (initial !== undefined) map.set(KEY, initial)
  return { map, get: (key) => map.get(key), set: (key, value) => void map.set(key, value), remove: (key) => void map.delete(key) }
}

function setup(options: Partial<TokenControllerOptions> = {}) {
  const clock = createVirtualClock()
  const fetch = fakeFetch()
  const events: TokenControllerEvent[] = []
  const storage = mapStorage()
  const onLoginRequired = vi.fn()
  const tokens = createTokenController({
    fetchToken: fetch.fetchToken,
    now: clock.now,
    clock,
    storage,
    retry: { attempts: 3, baseDelayMs: 10, jitter: false },
    onEvent: (event) => events.push(event),
    onLoginRequired,
    ...options,
  })
  const stored = () => (storage.map.has(KEY) ? (JSON.parse(storage.map.get(KEY)!) as Record<string, unknown>) : undefined)
  return { clock, fetch, events, storage, stored, tokens, onLoginRequired }
}

const invalidGrant = { statusCode: 400, data: { error: 'invalid_grant', error_description: 'refresh token revoked' } }

describe('setGrant', () => {
  it('stores a login grant in memory and storage and answers with it, in every shape fetchToken may return', async () => {
    const { tokens, stored, fetch, events } = setup()
    tokens.setGrant({ access_token: 'a1', expires_in: 3600, refresh_token: 'r1' })
    expect(tokens.state).toBe('valid')
    expect(tokens.hasSession()).toBe(true)
    expect(await tokens.getToken()).toBe('a1')
    expect(stored()).toMatchObject({ accessToken: 'a1', refreshToken: 'r1' })
    expect(events).toContainEqual(expect.objectContaining({ type: 'session.started', generation: 1 }))
    tokens.setGrant({ accessToken: 'a2', expiresIn: '7200' })
    expect(await tokens.getToken()).toBe('a2')
    // Rotation is optional: a grant without a refresh token keeps the one held.
    expect(stored()).toMatchObject({ accessToken: 'a2', refreshToken: 'r1' })
    expect(fetch.count).toBe(0)
    expect(JSON.stringify(events)).not.toMatch(/a1|a2|r1/)
  })

  it('answers the requests parked on a running refresh with the grant, and abandons that fetch', async () => {
    const { tokens, fetch } = setup()
    const parked = [track(tokens.getToken()), track(tokens.getToken())]
    await flush()
    expect(fetch.count).toBe(1)
    tokens.setGrant({ accessToken: 'login', expiresIn: 3600 })
    await flush()
    expect(parked.map((p) => p.value)).toEqual(['login', 'login'])
    expect(fetch.last().signal.aborted).toBe(true)
    // The abandoned fetch's late answer changes nothing.
    fetch.last().grant('late')
    await flush()
    expect(await tokens.getToken()).toBe('login')
  })

  it('throws InvalidTokenResponseError synchronously for an unusable grant, and changes nothing', async () => {
    const { tokens, stored } = setup()
    tokens.setGrant({ accessToken: 'a1', expiresIn: 3600 })
    const unusable: unknown[] = [
      null,
      'a-token',
      { accessToken: '' },
      { accessToken: 'x' },
      { accessToken: 'x', expiresIn: -5 },
      { accessToken: 'x', expiresIn: 60, refreshToken: 7 },
      Object.defineProperty({}, 'accessToken', {
        get() {
          throw new Error('secret-in-message')
        },
      }),
    ]
    for (const grant of unusable) {
      let thrown: unknown
      try {
        tokens.setGrant(grant as never)
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(InvalidTokenResponseError)
      expect(String((thrown as Error).message)).not.toContain('secret-in-message')
    }
    expect(tokens.state).toBe('valid')
    expect(await tokens.getToken()).toBe('a1')
    expect(stored()).toMatchObject({ accessToken: 'a1' })
  })

  it('throws STOPPED once stopped', () => {
    const { tokens } = setup()
    tokens.stop()
    expect(() => tokens.setGrant({ accessToken: 'a', expiresIn: 60 })).toThrow(StoppedError)
  })
})

describe('ready and hasSession', () => {
  it('resolves ready once storage has been read, after which hasSession tells the truth', async () => {
    let answer!: (raw: string) => void
    const storage: TokenStorage = {
      get: () => new Promise<string>((resolve) => (answer = resolve)),
      set: () => undefined,
      remove: () => undefined,
    }
    const clock = createVirtualClock()
    const tokens = createTokenController({ fetchToken: fakeFetch().fetchToken, storage, now: clock.now, clock })
    const ready = track(tokens.ready())
    await flush()
    expect(ready.status).toBe('pending')
    expect(tokens.hasSession()).toBe(false)
    // A stale access token with a live refresh token is a session.
    answer(JSON.stringify({ accessToken: 'old', expiresAt: clock.now() - 1, refreshToken: 'r1' }))
    await tokens.ready()
    expect(tokens.hasSession()).toBe(true)
  })

  it('says false with nothing stored, and after logout', async () => {
    const { tokens } = setup()
    await tokens.ready()
    expect(tokens.hasSession()).toBe(false)
    tokens.setGrant({ accessToken: 'a', expiresIn: 60 })
    expect(tokens.hasSession()).toBe(true)
    await tokens.logout()
    expect(tokens.hasSession()).toBe(false)
  })

  it('resolves ready when stopped while the read still hangs', async () => {
    const clock = createVirtualClock()
    const storage: TokenStorage = { get: () => new Promise<string>(() => {}), set: () => undefined, remove: () => undefined }
    const tokens = createTokenController({ fetchToken: fakeFetch().fetchToken, storage, now: clock.now, clock })
    tokens.stop()
    await expect(tokens.ready()).resolves.toBeUndefined()
  })
})

describe('login required', () => {
  it('does not retry a LoginRequiredError: parked and later requests reject LOGIN_REQUIRED, no fetch, onLoginRequired once', async () => {
    const { tokens, fetch, events, stored, onLoginRequired } = setup()
    tokens.setGrant({ accessToken: 'a1', expiresIn: 3600, refreshToken: 'r1' })
    const refreshed = [track(tokens.refresh()), track(tokens.getToken())]
    await flush()
    const cause = new LoginRequiredError('refresh token refused')
    fetch.last().fail(cause)
    await flush()
    expect(fetch.count).toBe(1)
    for (const outcome of refreshed) expect(outcome.reason).toMatchObject({ code: 'LOGIN_REQUIRED', cause })
    expect(tokens.state).toBe('failed')
    expect(tokens.actor.getSnapshot().value).toEqual({ failed: 'loginRequired' })
    expect(tokens.hasSession()).toBe(false)
    expect(stored()).toBeUndefined()
    for (let i = 0; i < 5; i++) {
      await expect(tokens.getToken()).rejects.toMatchObject({ code: 'LOGIN_REQUIRED' })
      await expect(tokens.refresh()).rejects.toBeInstanceOf(LoginRequiredError)
    }
    expect(fetch.count).toBe(1)
    expect(onLoginRequired).toHaveBeenCalledTimes(1)
    expect(onLoginRequired).toHaveBeenCalledWith({ reason: 'rejected' })
    expect(events.filter((event) => event.type === 'session.lost')).toEqual([{ type: 'session.lost', reason: 'rejected' }])
    expect(events).toContainEqual(expect.objectContaining({ type: 'refresh.failed', code: 'LOGIN_REQUIRED', rejected: 2 }))
  })

  it('recognises invalid_grant by default: a luch/uni/wx response, an axios error response; not a fetch Response', async () => {
    const axiosError = Object.assign(new Error('Request failed with status code 401'), {
      response: { status: 401, data: { error: 'invalid_grant' } },
    })
    for (const error of [invalidGrant, { statusCode: 401, data: { error: 'invalid_grant' } }, axiosError]) {
      const { tokens, fetch } = setup()
      const outcome = track(tokens.getToken())
      await flush()
      fetch.last().fail(error)
      await flush()
      // The error isLoginRequired recognised is the cause of the LoginRequiredError the cycle ended with.
      expect(outcome.reason).toMatchObject({ code: 'LOGIN_REQUIRED', cause: { code: 'LOGIN_REQUIRED', cause: error } })
      expect(fetch.count).toBe(1)
    }
    const fetchResponse = new Response(JSON.stringify({ error: 'invalid_grant' }), { status: 400 })
    const transient: unknown[] = [
      { statusCode: 500, data: { error: 'invalid_grant' } },
      { statusCode: 400, data: { error: 'invalid_request' } },
      { response: { status: 403, data: { error: 'invalid_grant' } } },
      { statusCode: 400, data: null },
      { status: 400, data: { error: 'invalid_grant' } },
      fetchResponse,
      undefined,
    ]
    for (const error of transient) {
      const { tokens, fetch } = setup({ retry: { attempts: 1 } })
      const outcome = track(tokens.getToken())
      await flush()
      fetch.last().fail(error)
      await flush()
      expect(outcome.reason).toMatchObject({ code: 'REFRESH_FAILED' })
    }
  })

  it('takes the app own isLoginRequired instead; one that throws counts as "no" and is reported', async () => {
    const custom = setup({ isLoginRequired: (error) => (error as { code?: number }).code === 40101 })
    const outcome = track(custom.tokens.getToken())
    await flush()
    custom.fetch.last().fail({ code: 40101 })
    await flush()
    expect(outcome.reason).toMatchObject({ code: 'LOGIN_REQUIRED' })

    const throwing = setup({
      retry: { attempts: 1 },
      isLoginRequired: () => {
        throw new RangeError('bug')
      },
    })
    const failed = track(throwing.tokens.getToken())
    await flush()
    throwing.fetch.last().fail(invalidGrant)
    await flush()
    expect(failed.reason).toMatchObject({ code: 'REFRESH_FAILED' })
    expect(throwing.events).toContainEqual({ type: 'callback.failed', callback: 'isLoginRequired', error: 'RangeError' })
  })

  it('leaves login required with setGrant or clear', async () => {
    const { tokens, fetch } = setup()
    await tokens.logout()
    tokens.setGrant({ accessToken: 'again', expiresIn: 3600 })
    expect(await tokens.getToken()).toBe('again')
    await tokens.logout()
    tokens.clear()
    const next = track(tokens.getToken())
    await flush()
    expect(fetch.count).toBe(1)
    fetch.last().grant('fetched')
    await flush()
    expect(next.value).toBe('fetched')
  })

  it('survives an onLoginRequired that throws: requests settle, onEvent hears it', async () => {
    const { tokens, fetch, events } = setup({
      onLoginRequired: () => {
        throw new TypeError('navigation failed')
      },
    })
    const outcome = track(tokens.getToken())
    await flush()
    fetch.last().fail(invalidGrant)
    await flush()
    expect(outcome.reason).toMatchObject({ code: 'LOGIN_REQUIRED' })
    expect(events).toContainEqual({ type: 'callback.failed', callback: 'onLoginRequired', error: 'TypeError' })
    tokens.setGrant({ accessToken: 'a', expiresIn: 60 })
    expect(await tokens.getToken()).toBe('a')
  })
})

describe('logout', () => {
  it('forgets both tokens everywhere, revokes once with what was held, and requires a login', async () => {
    const revokeToken = vi.fn((context: { accessToken?: string; refreshToken?: string }) => {
      // Non-enumerable: logging the context prints no token.
      expect(JSON.stringify(context)).not.toMatch(/a1|r1/)
      return Promise.resolve()
    })
    const { tokens, stored, events, onLoginRequired, fetch } = setup({ revokeToken })
    tokens.setGrant({ accessToken: 'a1', expiresIn: 3600, refreshToken: 'r1' })
    await expect(tokens.logout()).resolves.toBeUndefined()
    expect(revokeToken).toHaveBeenCalledTimes(1)
    const { accessToken, refreshToken } = revokeToken.mock.calls[0]![0]
    expect({ accessToken, refreshToken }).toEqual({ accessToken: 'a1', refreshToken: 'r1' })
    expect(stored()).toBeUndefined()
    expect(tokens.hasSession()).toBe(false)
    await expect(tokens.getToken()).rejects.toMatchObject({ code: 'LOGIN_REQUIRED', cause: undefined })
    expect(fetch.count).toBe(0)
    expect(onLoginRequired).toHaveBeenCalledWith({ reason: 'logout' })
    // Already logged out: no second loss, no second revocation (nothing is held).
    await tokens.logout()
    expect(onLoginRequired).toHaveBeenCalledTimes(1)
    expect(revokeToken).toHaveBeenCalledTimes(1)
    expect(events.filter((event) => event.type === 'session.lost')).toHaveLength(1)
    expect(JSON.stringify(events)).not.toMatch(/a1|r1/)
  })

  it('rejects requests parked on a running refresh with LOGIN_REQUIRED and abandons the fetch', async () => {
    const { tokens, fetch } = setup()
    const parked = track(tokens.getToken())
    await flush()
    await tokens.logout()
    expect(parked.reason).toMatchObject({ code: 'LOGIN_REQUIRED' })
    expect(fetch.last().signal.aborted).toBe(true)
  })

  it('never rejects: a failed revocation reaches onEvent by name only', async () => {
    const { tokens, events } = setup({ revokeToken: () => Promise.reject(new TypeError('r1 refused')) })
    tokens.setGrant({ accessToken: 'a1', expiresIn: 3600, refreshToken: 'r1' })
    await expect(tokens.logout()).resolves.toBeUndefined()
    expect(events).toContainEqual({ type: 'revoke.failed', name: 'TypeError', code: 'FETCH_FAILED', status: undefined })
    expect(JSON.stringify(events)).not.toMatch(/a1|r1/)

    const throwing = setup({
      revokeToken: () => {
        throw undefined
      },
    })
    throwing.tokens.setGrant({ accessToken: 'a', expiresIn: 60 })
    await expect(throwing.tokens.logout()).resolves.toBeUndefined()
    expect(throwing.events).toContainEqual(expect.objectContaining({ type: 'revoke.failed', name: 'Error' }))
  })

  it('gives up on a revocation after fetchTimeoutMs, aborting its signal', async () => {
    let signal: { aborted: boolean } | undefined
    const { tokens, clock, events } = setup({
      fetchTimeoutMs: 2_000,
      revokeToken: (context) => {
        signal = context.signal
        return new Promise(() => {})
      },
    })
    tokens.setGrant({ accessToken: 'a1', expiresIn: 3600 })
    const done = track(tokens.logout())
    await flush()
    clock.advance(1_999)
    await flush()
    expect(done.status).toBe('pending')
    clock.advance(1)
    await flush()
    expect(done.status).toBe('fulfilled')
    expect(signal?.aborted).toBe(true)
    expect(events).toContainEqual(expect.objectContaining({ type: 'revoke.failed', code: 'FETCH_TIMEOUT' }))
  })

  it('revokes nothing when no token is held, and does nothing once stopped', async () => {
    const revokeToken = vi.fn()
    const { tokens, onLoginRequired } = setup({ revokeToken })
    await tokens.logout()
    expect(revokeToken).not.toHaveBeenCalled()
    tokens.setGrant({ accessToken: 'a', expiresIn: 60 })
    tokens.stop()
    await tokens.logout()
    expect(revokeToken).not.toHaveBeenCalled()
    expect(onLoginRequired).toHaveBeenCalledTimes(1)
  })
})

describe('retry.cooldownMs', () => {
  it('rejects at once with the failed cycle REFRESH_FAILED within the cool-down, then starts a new cycle', async () => {
    const { tokens, fetch, clock } = setup({ retry: { attempts: 1, cooldownMs: 5_000 } })
    const first = track(tokens.getToken())
    await flush()
    const cause = new Error('503')
    fetch.last().fail(cause)
    await flush()
    expect(first.reason).toBeInstanceOf(TokenRefreshError)
    expect(tokens.actor.getSnapshot().value).toEqual({ failed: 'coolingDown' })
    clock.advance(4_999)
    await expect(tokens.getToken()).rejects.toMatchObject({ code: 'REFRESH_FAILED', cause, attempts: 1 })
    await expect(tokens.refresh()).rejects.toMatchObject({ code: 'REFRESH_FAILED', cause })
    expect(fetch.count).toBe(1)
    clock.advance(1)
    const next = track(tokens.getToken())
    await flush()
    expect(fetch.count).toBe(2)
    fetch.last().grant('back')
    await flush()
    expect(next.value).toBe('back')
  })

  it('cools down after a last attempt that timed out too', async () => {
    const { tokens, fetch, clock } = setup({ fetchTimeoutMs: 100, retry: { attempts: 1, cooldownMs: 1_000 } })
    void tokens.getToken().catch(() => undefined)
    await flush()
    clock.advance(100)
    await expect(tokens.getToken()).rejects.toMatchObject({ code: 'REFRESH_FAILED', cause: { code: 'FETCH_TIMEOUT' } })
    expect(fetch.count).toBe(1)
  })

  it('is off by default: the next request after a failed cycle starts a new one', async () => {
    const { tokens, fetch } = setup({ retry: { attempts: 1 } })
    void tokens.getToken().catch(() => undefined)
    await flush()
    fetch.last().fail(new Error('503'))
    await flush()
    void tokens.getToken().catch(() => undefined)
    await flush()
    expect(fetch.count).toBe(2)
  })
})

describe('the new options', () => {
  it.each([
    [{ retry: { cooldownMs: -1 } }, /retry\.cooldownMs/],
    [{ isLoginRequired: 'yes' }, /isLoginRequired must be a function/],
    [{ onLoginRequired: null }, /onLoginRequired must be a function/],
    [{ revokeToken: 1 }, /revokeToken must be a function/],
  ])('refuses %j with a TypeError naming it', (options, message) => {
    expect(() => createTokenController({ fetchToken: fakeFetch().fetchToken, ...(options as object) })).toThrow(message)
  })
})
