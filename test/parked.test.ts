// The parked-request queue: arrival order, settled waiters leaving from the head or the middle,
// compaction once the dead outnumber the living, and O(1) parking (100k parks, no quadratic copy).
import { describe, expect, it } from 'vitest'
import { emptyParked, enqueue, forEachPending, forgetSettled, oldestParked, parkedSize, type Parked } from '../machines/parked.ts'
import type { Waiter } from '../machines/token.types.ts'

interface PlainWaiter extends Waiter {
  settled: boolean
}

function waiter(id: number): PlainWaiter {
  return { id, deadline: id, settled: false, resolve() {}, reject() {} }
}

function queueOf(count: number): { parked: Parked; waiters: PlainWaiter[] } {
  const waiters = Array.from({ length: count }, (_, i) => waiter(i + 1))
  return { parked: waiters.reduce(enqueue, emptyParked), waiters }
}

function pendingIds(parked: Parked): number[] {
  const ids: number[] = []
  forEachPending(parked, (w) => ids.push(w.id))
  return ids
}

/** What the machine does on waiter.abort / waiter.timeout: the waiter settled, then forgetSettled. */
function leave(parked: Parked, w: PlainWaiter): Parked {
  w.settled = true
  return forgetSettled(parked)
}

describe('parked queue: order', () => {
  it('is empty at first', () => {
    expect(parkedSize(emptyParked)).toBe(0)
    expect(oldestParked(emptyParked)).toBeUndefined()
    expect(pendingIds(emptyParked)).toEqual([])
  })

  it('visits waiters in arrival order', () => {
    const { parked } = queueOf(6)

    expect(pendingIds(parked)).toEqual([1, 2, 3, 4, 5, 6])
    expect(parkedSize(parked)).toBe(6)
    expect(oldestParked(parked)?.id).toBe(1)
  })

  it('leaves the queue it was given unchanged: each enqueue makes a new one', () => {
    const { parked } = queueOf(3)

    const longer = enqueue(parked, waiter(4))

    expect(pendingIds(parked)).toEqual([1, 2, 3])
    expect(pendingIds(longer)).toEqual([1, 2, 3, 4])
  })

  it('skips settled waiters that have not been forgotten yet', () => {
    const { parked, waiters } = queueOf(4)
    waiters[1]!.settled = true

    expect(pendingIds(parked)).toEqual([1, 3, 4])
  })
})

describe('parked queue: forgetting settled waiters', () => {
  it('drops a settled head, so the oldest is the next pending one', () => {
    let { parked, waiters } = queueOf(4)

    parked = leave(parked, waiters[0]!)

    expect(oldestParked(parked)?.id).toBe(2)
    expect(parkedSize(parked)).toBe(3)
    expect(pendingIds(parked)).toEqual([2, 3, 4])
  })

  it('counts a settled waiter in the middle out of the size, and keeps the oldest', () => {
    let { parked, waiters } = queueOf(5)

    parked = leave(parked, waiters[2]!)

    expect(parkedSize(parked)).toBe(4)
    expect(oldestParked(parked)?.id).toBe(1)
    expect(pendingIds(parked)).toEqual([1, 2, 4, 5])
  })

  it('drops a settled waiter behind the head once the head goes, keeping the size right', () => {
    let { parked, waiters } = queueOf(4)

    parked = leave(parked, waiters[1]!)
    parked = leave(parked, waiters[0]!)

    expect(oldestParked(parked)?.id).toBe(3)
    expect(parkedSize(parked)).toBe(2)
    expect(parked.dead).toBe(0)
  })

  it('keeps the oldest pending while waiters leave from the head, one after another, to empty', () => {
    let { parked, waiters } = queueOf(5)

    for (const [i, w] of waiters.entries()) {
      parked = leave(parked, w)
      expect(oldestParked(parked)?.id).toBe(waiters[i + 1]?.id)
      expect(oldestParked(parked)?.settled ?? false).toBe(false)
      expect(parkedSize(parked)).toBe(waiters.length - i - 1)
    }
    expect(pendingIds(parked)).toEqual([])
  })

  it('keeps the oldest pending when the waiters leave in any order', () => {
    let { parked, waiters } = queueOf(50)
    const order = [...waiters].sort((a, b) => ((a.id * 37) % 50) - ((b.id * 37) % 50))

    for (const [i, w] of order.entries()) {
      parked = leave(parked, w)
      const oldest = oldestParked(parked)
      if (oldest) expect(oldest.settled).toBe(false)
      expect(parkedSize(parked)).toBe(50 - i - 1)
    }
  })

  it('parks after forgetting as before: new waiters go to the back', () => {
    let { parked, waiters } = queueOf(3)
    parked = leave(parked, waiters[0]!)

    parked = enqueue(parked, waiter(4))

    expect(pendingIds(parked)).toEqual([2, 3, 4])
    expect(parkedSize(parked)).toBe(3)
  })

  it('compacts once the dead outnumber the living, and the size stays right', () => {
    let { parked, waiters } = queueOf(100)

    // Settle everyone but the head and every tenth: the head stays, so only compaction can drop them.
    const leaving = waiters.filter((w) => w.id !== 1 && w.id % 10 !== 0)
    for (const w of leaving) parked = leave(parked, w)

    const living = 100 - leaving.length
    expect(parkedSize(parked)).toBe(living)
    expect(parked.length).toBeLessThan(100)
    expect(parked.dead).toBeLessThanOrEqual(parked.length - parked.dead)
    expect(pendingIds(parked)).toEqual(waiters.filter((w) => !w.settled).map((w) => w.id))
    expect(oldestParked(parked)?.id).toBe(1)
  })
})

describe('parked queue: scale', () => {
  // No timing asserted: a quadratic queue would not finish 100k parks inside the test timeout.
  it('parks 100k waiters and visits them all in order', () => {
    let parked = emptyParked
    for (let i = 1; i <= 100_000; i++) parked = enqueue(parked, waiter(i))

    let expected = 1
    let inOrder = true
    forEachPending(parked, (w) => {
      if (w.id !== expected++) inOrder = false
    })
    expect(inOrder).toBe(true)
    expect(expected).toBe(100_001)
    expect(parkedSize(parked)).toBe(100_000)
  })

  it('lets 100k waiters leave, newest first or oldest first, without piling up dead cells', () => {
    for (const newestFirst of [true, false]) {
      let { parked, waiters } = queueOf(100_000)
      if (newestFirst) waiters = waiters.reverse()

      for (const w of waiters.slice(0, 99_999)) parked = leave(parked, w)

      expect(parkedSize(parked)).toBe(1)
      expect(parked.length).toBeLessThan(100)
    }
  })
})
