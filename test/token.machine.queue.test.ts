// The token machine's queue: at most maxQueue parked requests, waiters that leave on abort or
// timeout without cancelling the shared fetch, and token.stop rejecting everything parked.
import { describe, expect, it, vi } from 'vitest'
import { QueueFullError, StoppedError } from '../src/errors.ts'
import { accessTokenNo, grantNo, HOUR_MS, NOW, startEmpty, startMachine, startValid, useMachineHarness } from './helpers/token-machine.ts'

useMachineHarness()

describe('token machine: queue limit', () => {
  it('rejects with QUEUE_FULL in refreshing once maxQueue requests are parked, refreshes included', () => {
    const h = startEmpty({ maxQueue: 3 })
    const parked = [h.get(), h.get(), h.refresh()]

    const refused = [h.get(), h.refresh()]

    for (const w of refused) {
      expect(w.error).toBeInstanceOf(QueueFullError)
      expect(w.error).toMatchObject({ code: 'QUEUE_FULL' })
    }
    expect(h.queueSize).toBe(3)
    expect(h.calls).toHaveLength(1)
    h.fetch.succeed(grantNo(1))
    expect(parked.map((w) => w.token)).toEqual(parked.map(() => accessTokenNo(1)))
  })

  it('rejects with QUEUE_FULL while waiting to retry', () => {
    const h = startEmpty({ maxQueue: 1 })
    h.get()
    h.fetch.fail(new Error('down'))

    const refused = h.get()

    expect(h.state).toBe('refreshing.waitingToRetry')
    expect(refused.error).toMatchObject({ code: 'QUEUE_FULL' })
  })

  // idle.empty, valid and failed hold nobody, so the request that starts a cycle always parks, even
  // with maxQueue 1; the machine has no QUEUE_FULL branch there (maxQueue < 1 is refused by the controller).
  it('parks the request that starts a refresh from idle.empty with maxQueue 1, and refuses the next', () => {
    const h = startEmpty({ maxQueue: 1 })

    const first = h.get()
    const [get, forced] = [h.get(), h.refresh()]

    expect(first.settled).toBe(false)
    expect(get.error).toMatchObject({ code: 'QUEUE_FULL' })
    expect(forced.error).toMatchObject({ code: 'QUEUE_FULL' })
    expect(h.state).toBe('refreshing.fetching')
    expect(h.queueSize).toBe(1)
    expect(h.calls).toHaveLength(1)
  })

  it('parks a forced refresh from idle.empty with maxQueue 1', () => {
    const h = startEmpty({ maxQueue: 1 })

    const forced = h.refresh()

    expect(forced.settled).toBe(false)
    expect(h.queueSize).toBe(1)
    expect(h.calls).toHaveLength(1)
  })

  it('parks a request for a stale token in valid with maxQueue 1, and refuses the next', () => {
    const h = startValid({ maxQueue: 1 })

    const stale = h.get(NOW + HOUR_MS)
    const refused = h.get(NOW + HOUR_MS)

    expect(stale.settled).toBe(false)
    expect(refused.error).toMatchObject({ code: 'QUEUE_FULL' })
    expect(h.state).toBe('refreshing.fetching')
    expect(h.calls).toHaveLength(1)
  })

  it('parks a forced refresh in valid with maxQueue 1', () => {
    const h = startValid({ maxQueue: 1 })

    const forced = h.refresh()

    expect(forced.settled).toBe(false)
    expect(h.queueSize).toBe(1)
    expect(h.state).toBe('refreshing.fetching')
  })

  it('answers a fresh token in valid with a single-slot queue: the fast path parks nothing', () => {
    const h = startValid({ maxQueue: 1 })

    expect(h.get(NOW).token).toBe(accessTokenNo(1))
    expect(h.queueSize).toBe(0)
  })

  it('parks the request that starts a new cycle from failed with maxQueue 1, get or forced refresh', () => {
    const h = startEmpty({ maxQueue: 1, retry: { attempts: 1 } })
    h.get()
    h.fetch.fail(new Error('down'))
    expect(h.state).toBe('failed.retryable')

    const get = h.get()
    expect(get.settled).toBe(false)
    expect(h.queueSize).toBe(1)
    h.fetch.fail(new Error('down again'))
    expect(h.state).toBe('failed.retryable')
    const forced = h.refresh()

    expect(forced.settled).toBe(false)
    expect(h.queueSize).toBe(1)
    expect(h.calls).toHaveLength(3)
  })
})

describe('token machine: a waiter leaving on its own', () => {
  it('drops an aborted waiter from the queue count without cancelling the fetch', () => {
    const h = startEmpty()
    const [first, second] = [h.get(), h.get()]

    h.abort(first)

    expect(h.queueSize).toBe(1)
    expect(h.state).toBe('refreshing.fetching')
    expect(h.fetch.stopped).toBe(false)
    h.fetch.succeed(grantNo(1))
    expect(second.token).toBe(accessTokenNo(1))
    expect(first.settleCalls).toBe(1)
  })

  it('drops a timed-out waiter from the queue count, head or middle', () => {
    const h = startEmpty()
    const waiters = [h.get(), h.get(), h.get(), h.get()]

    h.timeout(waiters[0]!)
    h.timeout(waiters[2]!)

    expect(h.queueSize).toBe(2)
    h.fetch.succeed(grantNo(1))
    expect(waiters.map((w) => w.token)).toEqual([undefined, accessTokenNo(1), undefined, accessTokenNo(1)])
    expect(waiters[0]?.error).toMatchObject({ code: 'WAIT_TIMEOUT' })
  })

  it('keeps refreshing when every waiter has left: the fetch result still becomes the token', () => {
    const h = startEmpty()
    const waiter = h.get()

    h.abort(waiter)
    h.fetch.succeed(grantNo(1))

    expect(h.queueSize).toBe(0)
    expect(h.state).toBe('valid')
    expect(h.emittedOf('refresh.succeeded')[0]?.released).toBe(0)
  })

  it('makes room under maxQueue when a waiter leaves', () => {
    const h = startEmpty({ maxQueue: 2 })
    const [first] = [h.get(), h.get()]
    h.abort(first!)

    const third = h.get()

    expect(third.settled).toBe(false)
    expect(h.queueSize).toBe(2)
  })

  it('ignores waiter.abort and waiter.timeout for a waiter already answered', () => {
    const h = startValid()
    const answered = h.get()

    h.abort(answered)
    h.timeout(answered)

    expect(answered.token).toBe(accessTokenNo(1))
    expect(answered.error).toBeUndefined()
    expect(h.queueSize).toBe(0)
    expect(h.context.parked.dead).toBe(0)
    expect(h.state).toBe('valid')
  })

  // A caller can abort while the step that releases it runs (from onEvent): the abort event then arrives for a
  // waiter the queue no longer holds. Counting it would hide the next parked request from queueSize and clear().
  it('keeps an exact count when an abort arrives for a waiter released before it', () => {
    const h = startEmpty()
    const [first, second] = [h.get(), h.get()]
    h.fetch.succeed(grantNo(1))

    h.abort(second)
    const next = h.refresh()

    expect([first.token, second.token]).toEqual([accessTokenNo(1), accessTokenNo(1)])
    expect(second.error).toBeUndefined()
    expect(h.context.parked.dead).toBe(0)
    expect(h.queueSize).toBe(1)
    expect(next.settled).toBe(false)
  })

  it('rejects the waiter itself: ABORTED with the reason as cause, WAIT_TIMEOUT with the wait', () => {
    const h = startEmpty({ waitTimeoutMs: 5_000 })
    const [aborted, late] = [h.get(), h.get()]

    h.abort(aborted, 'user left the page')
    h.timeout(late)

    expect(aborted.error).toMatchObject({ code: 'ABORTED', cause: 'user left the page' })
    expect(late.error).toMatchObject({ code: 'WAIT_TIMEOUT', message: expect.stringContaining('5000') })
    expect(h.queueSize).toBe(0)
  })

  it('keeps the count right while many waiters leave during a long retry', async () => {
    const h = startEmpty({ retry: { attempts: 2, baseDelayMs: 1000 } })
    const waiters = Array.from({ length: 200 }, () => h.get())
    h.fetch.fail(new Error('down'))

    for (const [i, w] of waiters.entries()) if (i % 3 !== 0) h.abort(w)
    await vi.advanceTimersByTimeAsync(1000)
    h.fetch.succeed(grantNo(1))

    const kept = waiters.filter((_, i) => i % 3 === 0)
    expect(kept.every((w) => w.token === accessTokenNo(1))).toBe(true)
    expect(h.settledOrder.slice(-kept.length)).toEqual(kept.map((w) => w.id))
    expect(h.emittedOf('refresh.succeeded')[0]?.released).toBe(kept.length)
  })
})

describe('token machine: stop', () => {
  it('rejects every parked request with STOPPED while refreshing, in arrival order', () => {
    const h = startEmpty()
    const waiters = [h.get(), h.refresh(), h.get()]

    h.send({ type: 'token.stop' })

    for (const w of waiters) {
      expect(w.error).toBeInstanceOf(StoppedError)
      expect(w.error).toMatchObject({ code: 'STOPPED' })
    }
    expect(h.settledOrder).toEqual(waiters.map((w) => w.id))
    expect(h.queueSize).toBe(0)
  })

  it('rejects requests parked during hydration with STOPPED', () => {
    const h = startMachine()
    const waiters = [h.get(), h.get()]

    h.send({ type: 'token.stop' })

    expect(waiters.map((w) => w.error?.code)).toEqual(['STOPPED', 'STOPPED'])
    expect(h.queueSize).toBe(0)
  })

  it('gives each parked request its own STOPPED error object', () => {
    const h = startEmpty()
    const [a, b] = [h.get(), h.get()]

    h.send({ type: 'token.stop' })

    expect(a.error).toBeInstanceOf(StoppedError)
    expect(b.error).toBeInstanceOf(StoppedError)
    expect(a.error).not.toBe(b.error)
  })

  it('does not reject a waiter again that already left the queue', () => {
    const h = startEmpty()
    const [aborted, pending] = [h.get(), h.get()]
    h.abort(aborted)

    h.send({ type: 'token.stop' })

    expect(aborted.settleCalls).toBe(1)
    expect(aborted.error?.code).toBe('ABORTED')
    expect(pending.error?.code).toBe('STOPPED')
  })

  it('stops the running fetch when the actor stops', () => {
    const h = startEmpty()
    h.get()
    const call = h.fetch

    h.send({ type: 'token.stop' })
    h.actor.stop()

    expect(call.stopped).toBe(true)
  })
})
