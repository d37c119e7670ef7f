// machines/failure.ts: what the chart and the inspector read from a failed attempt's error, which is the app's own
// object and may be anything: a primitive, null, an object whose getters throw.
import { describe, expect, it } from 'vitest'
import { cappedRetryAfterMs, errorCode, errorSummary } from '../machines/failure.ts'

const throwing = Object.defineProperty({}, 'code', {
  get() {
    throw new Error('getter')
  },
})

describe('cappedRetryAfterMs(error, maxMs)', () => {
  it('reads a finite, non-negative retryAfterMs, capped at maxMs', () => {
    expect(cappedRetryAfterMs({ retryAfterMs: 1_500 }, 30_000)).toBe(1_500)
    expect(cappedRetryAfterMs({ retryAfterMs: 86_400_000 }, 30_000)).toBe(30_000)
    expect(cappedRetryAfterMs({ retryAfterMs: 0 }, 30_000)).toBe(0)
  })

  it.each([
    ['negative', -1],
    ['infinite', Infinity],
    ['NaN', NaN],
    ['a string', '2000'],
    ['absent', undefined],
  ])('ignores a %s value', (_, value) => {
    expect(cappedRetryAfterMs({ retryAfterMs: value }, 30_000)).toBeUndefined()
  })

  it('reads nothing from null, a primitive or a throwing getter', () => {
    expect(cappedRetryAfterMs(null, 30_000)).toBeUndefined()
    expect(cappedRetryAfterMs('error', 30_000)).toBeUndefined()
    expect(
      cappedRetryAfterMs(
        Object.defineProperty({}, 'retryAfterMs', {
          get: () => {
            throw new Error('x')
          },
        }),
        30_000,
      ),
    ).toBeUndefined()
  })
})

describe('errorCode(error)', () => {
  it('is the string code, else FETCH_FAILED', () => {
    expect(errorCode({ code: 'ECONNRESET' })).toBe('ECONNRESET')
    expect(errorCode({ code: 500 })).toBe('FETCH_FAILED')
    expect(errorCode(undefined)).toBe('FETCH_FAILED')
    expect(errorCode(throwing)).toBe('FETCH_FAILED')
  })
})

describe('errorSummary(error)', () => {
  it('keeps name, code and a numeric HTTP status from status or statusCode, and nothing else', () => {
    const axiosLike = Object.assign(new Error('refresh_token=SECRET'), {
      name: 'AxiosError',
      code: 'ERR_BAD_RESPONSE',
      status: 500,
      config: { data: 'refresh_token=SECRET' },
    })
    expect(errorSummary(axiosLike)).toEqual({ name: 'AxiosError', code: 'ERR_BAD_RESPONSE', status: 500 })
    expect(errorSummary({ statusCode: 429, data: 'SECRET' })).toEqual({ name: 'object', code: 'FETCH_FAILED', status: 429 })
  })

  it('drops a status that is not a number: it could be any text the app put there', () => {
    expect(errorSummary({ name: 'HttpError', status: 'token SECRET refused' })).toEqual({
      name: 'HttpError',
      code: 'FETCH_FAILED',
      status: undefined,
    })
  })

  it('names a primitive by its type', () => {
    expect(errorSummary('SECRET')).toEqual({ name: 'string', code: 'FETCH_FAILED', status: undefined })
    expect(errorSummary(undefined)).toEqual({ name: 'undefined', code: 'FETCH_FAILED', status: undefined })
  })
})
