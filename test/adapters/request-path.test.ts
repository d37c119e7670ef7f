// The request path on its own, with a stand-in controller: option checks, the https rule, applying the token,
// what an answer leads to (invalidation, replay), the send loop and the 429 rule. Over HTTP: the scenario suite.
import { describe, expect, it, vi } from 'vitest'
import { applyAndRemember, createRequestPath, sendWithTokens, sentToken } from '../../src/adapters/request-path.ts'
import type { TokenController } from '../../src/index.ts'

/** Hands out t1, t2, … one per getToken call (none fresh at hand); records invalidations. */
function standIn(now = 0) {
  let issued = 0
  return {
    getToken: vi.fn(() => Promise.resolve(`t${++issued}`)),
    currentToken: vi.fn((): string | undefined => undefined),
    invalidate: vi.fn(),
    now: () => now,
  } as unknown as TokenController & {
    getToken: ReturnType<typeof vi.fn>
    currentToken: ReturnType<typeof vi.fn>
    invalidate: ReturnType<typeof vi.fn>
  }
}
const status = (answer: { status: number }) => answer.status
const replays = (n: number) => ({ tokenReplays: n })

describe('createRequestPath', () => {
  it.each([
    [{ maxReplays: -1 }, /maxReplays/],
    [{ maxReplays: 1.5 }, /maxReplays/],
    [{ format: 'Bearer' }, /format must be a function/],
    [{ isUnauthorized: true }, /isUnauthorized must be a function/],
    [{ sign: {} }, /sign must be a function/],
  ])('throws a TypeError naming a bad option: %o', (options, message) => {
    expect(() => createRequestPath(standIn(), options as never, status)).toThrow(message)
  })

  it('throws a TypeError for something that is not a controller', () => {
    expect(() => createRequestPath({} as TokenController, {}, status)).toThrow(/tokens must be a token controller/)
  })

  it('hands out the fresh token at once, without a promise, and getToken’s promise otherwise', async () => {
    const tokens = standIn()
    const path = createRequestPath(tokens, {}, status)
    tokens.currentToken.mockReturnValueOnce('fresh')

    expect(path.authorize('https://api.example.com/a')).toBe('fresh')
    expect(await path.authorize('https://api.example.com/a')).toBe('t1')
  })

  it('throws INSECURE_URL before asking for a token', () => {
    const tokens = standIn()
    expect(() => createRequestPath(tokens, {}, status).authorize('http://example.com/x')).toThrow(
      expect.objectContaining({ code: 'INSECURE_URL' }),
    )
    expect(tokens.getToken).not.toHaveBeenCalled()
  })

  it('judges the https rule afresh for each path and each new URL, however often a safe one came before', () => {
    const insecure = 'http://api.example.com/a'
    const lenient = createRequestPath(standIn(), { requireHttps: false }, status)
    const strict = createRequestPath(standIn(), {}, status)

    expect(lenient.authorize(insecure)).toBeInstanceOf(Promise)
    expect(lenient.authorize(insecure)).toBeInstanceOf(Promise)
    for (let i = 0; i < 2; i++) {
      expect(strict.authorize('https://api.example.com/a')).toBeInstanceOf(Promise)
      expect(() => strict.authorize(insecure)).toThrow(expect.objectContaining({ code: 'INSECURE_URL' }))
    }
  })

  it('applies the token: the header, then the signature', () => {
    const sign = vi.fn((request: object, token: string) => ({ ...request, signedWith: token }))
    const path = createRequestPath(standIn(), { header: 'X-Token', format: (token) => `T ${token}`, sign }, status)
    const headers = { 'x-token': 'old', Other: '1' }

    const sent = path.apply({ url: '/a' }, headers, 't1')

    expect(headers).toEqual({ 'X-Token': 'T t1', Other: '1' })
    expect(sent).toEqual({ url: '/a', signedWith: 't1' })
    expect(sentToken(sent)).toBeUndefined()
  })

  it('remembers, for interceptor clients, which token went out on what sign returned, unseen by copies and JSON', () => {
    const path = createRequestPath(standIn(), { sign: (request: object) => ({ ...request, signed: true }) }, status)

    const sent = applyAndRemember(path, { url: '/a' }, {}, 't1')

    expect(sentToken(sent)).toBe('t1')
    expect(sentToken({ ...sent })).toBeUndefined()
    expect(JSON.stringify(sent)).toBe('{"url":"/a","signed":true}')
    expect(sentToken(undefined)).toBeUndefined()
    expect(sentToken('request')).toBeUndefined()
  })

  it('judges an ordinary answer without a promise and without invalidating', () => {
    const tokens = standIn()
    const path = createRequestPath(tokens, {}, status)

    expect(path.afterAnswer({ status: 200 }, 't1', {})).toBe(false)
    expect(tokens.invalidate).not.toHaveBeenCalled()
  })

  it('invalidates the token a refused request carried and replays it while replays are left', () => {
    const tokens = standIn()
    const path = createRequestPath(tokens, { maxReplays: 2 }, status)

    expect(path.afterAnswer({ status: 401 }, 't1', {})).toBe(true)
    expect(path.afterAnswer({ status: 401 }, 't2', replays(1))).toBe(true)
    expect(path.afterAnswer({ status: 401 }, 't3', replays(2))).toBe(false)
    expect(tokens.invalidate.mock.calls).toEqual([['t1'], ['t2']])
  })

  it('invalidates the token of a refused request with maxReplays 0, and does not replay it', () => {
    const tokens = standIn()
    const path = createRequestPath(tokens, { maxReplays: 0 }, status)

    expect(path.afterAnswer({ status: 401 }, 't1', {})).toBe(false)
    expect(tokens.invalidate.mock.calls).toEqual([['t1']])
  })

  it('neither invalidates nor replays a refused request that carried no token (opted out)', () => {
    const tokens = standIn()
    expect(createRequestPath(tokens, {}, status).afterAnswer({ status: 401 }, undefined, {})).toBe(false)
    expect(tokens.invalidate).not.toHaveBeenCalled()
  })

  it('awaits an asynchronous isUnauthorized', async () => {
    const path = createRequestPath(standIn(), { isUnauthorized: async (a: { code: number }) => a.code === 40101 }, () => 200)
    expect(await path.afterAnswer({ code: 40101 }, 't1', {})).toBe(true)
  })

  it('counts replays on a copy of the holder, under one key', () => {
    const path = createRequestPath(standIn(), {}, status)
    const holder = { auth: true }

    expect(path.countReplay(path.countReplay(holder))).toEqual({ auth: true, tokenReplays: 2 })
    expect(holder).toEqual({ auth: true })
  })
})

describe('sendWithTokens', () => {
  it('sends, then replays up to maxReplays times, each with the token that replaced the refused one', async () => {
    const tokens = standIn()
    const path = createRequestPath(tokens, { maxReplays: 2 }, status)
    const send = vi.fn(async (_token: string | undefined) => ({ status: 401 }))

    expect(await sendWithTokens(path, { url: 'https://api.example.com/x' }, send)).toEqual({ status: 401 })
    expect(send.mock.calls).toEqual([['t1'], ['t2'], ['t3']])
    expect(tokens.invalidate.mock.calls).toEqual([['t1'], ['t2']])
  })

  it('sends a one-shot request once, and still invalidates the token its refusal names', async () => {
    const tokens = standIn()
    const send = vi.fn(async () => ({ status: 401 }))

    await sendWithTokens(createRequestPath(tokens, {}, status), { url: 'https://api.example.com/x', replayable: false }, send)

    expect(send).toHaveBeenCalledTimes(1)
    expect(tokens.invalidate.mock.calls).toEqual([['t1']])
  })

  it('sends an opted-out request without asking for a token or checking its URL', async () => {
    const tokens = standIn()
    const send = vi.fn(async () => ({ status: 401 }))

    await sendWithTokens(createRequestPath(tokens, { requireHttps: true }, status), { url: 'http://example.com/x', optedOut: true }, send)

    expect(send.mock.calls).toEqual([[undefined]])
    expect(tokens.getToken).not.toHaveBeenCalled()
  })

  it('rejects (never throws) INSECURE_URL, without asking for a token', async () => {
    const tokens = standIn()
    const sending = sendWithTokens(createRequestPath(tokens, {}, status), { url: 'http://example.com/x' }, vi.fn())

    await expect(sending).rejects.toMatchObject({ code: 'INSECURE_URL' })
    expect(tokens.getToken).not.toHaveBeenCalled()
  })

  it('rejects with ABORTED when the abort lands in the same tick as the token, and sends nothing', async () => {
    const signal = { aborted: false, reason: 'left', addEventListener: () => undefined, removeEventListener: () => undefined }
    const tokens = standIn()
    tokens.getToken.mockImplementation(() =>
      Promise.resolve('t1').finally(() => {
        signal.aborted = true
      }),
    )
    const send = vi.fn(async () => ({ status: 200 }))

    const sending = sendWithTokens(createRequestPath(tokens, {}, status), { url: 'https://a.example/x', signal }, send)

    await expect(sending).rejects.toMatchObject({ code: 'ABORTED' })
    expect(send).not.toHaveBeenCalled()
  })
})

describe('the 429 rule', () => {
  it('sets retryAfterMs on a 429 only, finding the header in any letter case or through get()', () => {
    const path = createRequestPath(standIn(), {}, status)
    const plain = {}
    const viaGet = {}
    const other = {}
    path.noteRetryAfter(plain, 429, { 'Retry-After': '2' })
    path.noteRetryAfter(viaGet, 429, new Headers({ 'retry-after': '3' }))
    path.noteRetryAfter(other, 503, { 'retry-after': '2' })
    path.noteRetryAfter(null, 429, { 'retry-after': '2' })

    expect(plain).toEqual({ retryAfterMs: 2000 })
    expect(viaGet).toEqual({ retryAfterMs: 3000 })
    expect(other).toEqual({})
  })

  it('reads an HTTP-date Retry-After on the controller’s clock, not Date.now()', () => {
    const now = Date.parse('2030-01-01T00:00:00Z')
    const path = createRequestPath(standIn(now), {}, status)
    const answer: { retryAfterMs?: number } = {}

    path.noteRetryAfter(answer, 429, { 'retry-after': 'Tue, 01 Jan 2030 00:00:05 GMT' })

    expect(answer.retryAfterMs).toBe(5000)
  })

  it('sets nothing for a Retry-After it cannot read', () => {
    const answer = {}
    createRequestPath(standIn(), {}, status).noteRetryAfter(answer, 429, { 'retry-after': 'soon' })
    expect(answer).toEqual({})
  })
})
