// The shared policy on its own, with a stand-in controller: option checks, the verdict, the send loop and the
// 429 rule. The adapters' behaviour over HTTP is in the scenario suite.
import { describe, expect, it, vi } from 'vitest'
import { createAuthPolicy, headerValue, noteRetryAfter, retryAfterMs, sendWithPolicy } from '../../src/adapters/policy.ts'
import type { TokenController } from '../../src/index.ts'

/** Hands out t1, t2, … one per getToken call; records invalidations. */
function standIn() {
  let issued = 0
  return {
    getToken: vi.fn(() => Promise.resolve(`t${++issued}`)),
    invalidate: vi.fn(),
  } as unknown as TokenController & { getToken: ReturnType<typeof vi.fn>; invalidate: ReturnType<typeof vi.fn> }
}
const status = (answer: { status: number }) => answer.status

describe('createAuthPolicy', () => {
  it.each([
    [{ maxReplays: -1 }, /maxReplays/],
    [{ maxReplays: 1.5 }, /maxReplays/],
    [{ format: 'Bearer' }, /format must be a function/],
    [{ isUnauthorized: true }, /isUnauthorized must be a function/],
    [{ sign: {} }, /sign must be a function/],
  ])('throws a TypeError naming a bad option: %o', (options, message) => {
    expect(() => createAuthPolicy(standIn(), options as never, status)).toThrow(message)
  })

  it('throws a TypeError for something that is not a controller', () => {
    expect(() => createAuthPolicy({} as TokenController, {}, status)).toThrow(/tokens must be a token controller/)
  })

  it('judges pass, replay (invalidating the sent token) and refused', async () => {
    const tokens = standIn()
    const policy = createAuthPolicy(tokens, {}, status)

    expect(await policy.verdict({ status: 200 }, 'a', 0)).toBe('pass')
    expect(await policy.verdict({ status: 401 }, 'a', 0)).toBe('replay')
    expect(await policy.verdict({ status: 401 }, 'b', 1)).toBe('refused')
    expect(tokens.invalidate.mock.calls).toEqual([['a']])
  })

  it('awaits an asynchronous isUnauthorized', async () => {
    const policy = createAuthPolicy(standIn(), { isUnauthorized: async (a: { code: number }) => a.code === 40101 }, () => 200)
    expect(await policy.verdict({ code: 40101 }, 'a', 0)).toBe('replay')
  })

  it('sends, then replays up to maxReplays times, each with the token that replaced the refused one', async () => {
    const tokens = standIn()
    const policy = createAuthPolicy(tokens, { maxReplays: 2 }, status)
    const send = vi.fn(async (_token: string | undefined) => ({ status: 401 }))

    expect(await sendWithPolicy(policy, { url: 'https://api.example.com/x' }, send)).toEqual({ status: 401 })
    expect(send.mock.calls).toEqual([['t1'], ['t2'], ['t3']])
    expect(tokens.invalidate.mock.calls).toEqual([['t1'], ['t2']])
  })

  it('sends a one-shot request once, invalidating nothing', async () => {
    const tokens = standIn()
    const send = vi.fn(async () => ({ status: 401 }))

    await sendWithPolicy(createAuthPolicy(tokens, {}, status), { url: 'https://api.example.com/x', replayable: false }, send)

    expect(send).toHaveBeenCalledTimes(1)
    expect(tokens.invalidate).not.toHaveBeenCalled()
  })

  it('sends an opted-out request without asking for a token or checking its URL', async () => {
    const tokens = standIn()
    const send = vi.fn(async () => ({ status: 401 }))

    await sendWithPolicy(createAuthPolicy(tokens, { requireHttps: true }, status), { url: 'http://example.com/x', optedOut: true }, send)

    expect(send.mock.calls).toEqual([[undefined]])
    expect(tokens.getToken).not.toHaveBeenCalled()
  })

  it('rejects (never throws) INSECURE_URL from authorize, without asking for a token', async () => {
    const tokens = standIn()
    const policy = createAuthPolicy(tokens, {}, status)

    const authorizing = policy.authorize('http://example.com/x')

    await expect(authorizing).rejects.toMatchObject({ code: 'INSECURE_URL' })
    expect(tokens.getToken).not.toHaveBeenCalled()
  })

  it('rejects with ABORTED when the abort lands in the same tick as the token, and sends nothing', async () => {
    const signal = { aborted: false, reason: 'left', addEventListener: () => undefined, removeEventListener: () => undefined }
    const tokens = standIn()
    tokens.getToken.mockImplementation(() => Promise.resolve('t1').finally(() => void (signal.aborted = true)))
    const send = vi.fn(async () => ({ status: 200 }))

    await expect(sendWithPolicy(createAuthPolicy(tokens, {}, status), { url: 'https://a.example/x', signal }, send)).rejects.toMatchObject({
      code: 'ABORTED',
    })
    expect(send).not.toHaveBeenCalled()
  })
})

describe('the 429 rule', () => {
  it('reads Retry-After as seconds or as an HTTP date, and ignores nonsense', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(retryAfterMs('2', now)).toBe(2000)
    expect(retryAfterMs(['1.5'], now)).toBe(1500)
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000)
    expect(retryAfterMs('soon', now)).toBeUndefined()
  })

  it('sets retryAfterMs on a 429 only, finding the header in any letter case or through get()', () => {
    const plain = {}
    const viaGet = {}
    const other = {}
    noteRetryAfter(plain, 429, { 'Retry-After': '2' })
    noteRetryAfter(viaGet, 429, new Headers({ 'retry-after': '3' }))
    noteRetryAfter(other, 503, { 'retry-after': '2' })

    expect(plain).toEqual({ retryAfterMs: 2000 })
    expect(viaGet).toEqual({ retryAfterMs: 3000 })
    expect(other).toEqual({})
    expect(headerValue({ 'X-Token': 'a' }, 'x-token')).toBe('a')
  })
})
