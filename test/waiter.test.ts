// PendingRequest on its own: it settles once, the first of answer, timeout, abort or stop wins, and a later
// attempt is a no-op that says so (returns false), tells no observer and leaves the promise as it was.
import { describe, expect, it, vi } from 'vitest'
import { StoppedError, WaitTimeoutError } from '../src/errors.ts'
import { PendingRequest, type WaiterObserver } from '../src/waiter.ts'

function observer() {
  return { released: vi.fn(), rejected: vi.fn() } satisfies WaiterObserver
}

describe('PendingRequest', () => {
  it('ignores a rejection after it resolved', async () => {
    const seen = observer()
    const waiter = new PendingRequest(1, 0, seen)

    expect(waiter.resolve('t1')).toBe(true)
    expect(waiter.reject(new StoppedError())).toBe(false)

    await expect(waiter.promise).resolves.toBe('t1')
    expect(seen.released).toHaveBeenCalledTimes(1)
    expect(seen.rejected).not.toHaveBeenCalled()
  })

  it('ignores an answer and a second rejection after it was rejected', async () => {
    const seen = observer()
    const waiter = new PendingRequest(2, 0, seen)

    expect(waiter.reject(new WaitTimeoutError(100))).toBe(true)
    expect(waiter.resolve('t1')).toBe(false)
    expect(waiter.reject(new StoppedError())).toBe(false)

    await expect(waiter.promise).rejects.toMatchObject({ code: 'WAIT_TIMEOUT' })
    expect(seen.rejected).toHaveBeenCalledTimes(1)
    expect(seen.released).not.toHaveBeenCalled()
  })

  it('stops listening to its signal once settled', () => {
    const signal = new AbortController().signal
    const remove = vi.spyOn(signal, 'removeEventListener')
    const onAbort = vi.fn()
    const waiter = new PendingRequest(3, 0, undefined)
    waiter.watch(signal, onAbort)

    waiter.resolve('t1')

    expect(remove).toHaveBeenCalledWith('abort', onAbort)
    expect(waiter.settled).toBe(true)
  })
})
