// What fetchToken may reject with is anything: a string, null, a number. The machine still retries with its
// own backoff (nothing to read a Retry-After from), names the failure FETCH_FAILED, and keeps it as the cause.
import { describe, expect, it } from 'vitest'
import { startEmpty, useMachineHarness } from './helpers/token-machine.ts'

useMachineHarness()

const RETRY = { attempts: 2, baseDelayMs: 100, maxDelayMs: 1_000 }

describe('token machine: a fetch failing with a value that is not an object', () => {
  it.each([['down'], [null], [undefined], [42]])('retries after the computed backoff, naming %o FETCH_FAILED', (error) => {
    const h = startEmpty({ retry: RETRY })
    h.get()

    h.fetch.fail(error)

    expect(h.state).toBe('refreshing.waitingToRetry')
    expect(h.emittedOf('refresh.retrying')[0]).toMatchObject({ code: 'FETCH_FAILED', delayMs: 100 })
  })

  it('rejects the parked request with REFRESH_FAILED carrying the value as its cause after the last attempt', () => {
    const h = startEmpty({ retry: { ...RETRY, attempts: 1 } })
    const waiter = h.get()

    h.fetch.fail('down')

    expect(waiter.error).toMatchObject({ code: 'REFRESH_FAILED', attempts: 1, cause: 'down' })
    expect(h.emittedOf('refresh.failed')[0]).toMatchObject({ code: 'FETCH_FAILED', rejected: 1 })
  })
})
