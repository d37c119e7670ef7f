// Simulated time for the controller's `now` and `clock` options: timers live in a heap and fire when the
// page advances the clock, so 100x speed is just advancing faster. Under heavy load the page may fall
// behind its target speed (it caps the timers per frame) rather than freeze.
import type { Clock } from '../../../src/index.ts'

interface Timer {
  id: number
  at: number
  seq: number
  callback: () => void
}

export interface VirtualClock extends Clock {
  now(): number
  /** Fires due timers in time order up to `until`, at most `budget` of them; returns how many fired. */
  advance(until: number, budget: number): Promise<number>
  readonly pending: number
}

export function createVirtualClock(start: number): VirtualClock {
  let current = start
  let seq = 0
  const heap: Timer[] = []
  // Ids of timers not yet fired or cleared: a cleared timer stays in the heap and is skipped when popped.
  const live = new Set<number>()

  const before = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.seq < b.seq)
  const push = (timer: Timer) => {
    heap.push(timer)
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1
      if (!before(heap[i] as Timer, heap[parent] as Timer)) break
      ;[heap[i], heap[parent]] = [heap[parent] as Timer, heap[i] as Timer]
      i = parent
    }
  }
  const pop = (): Timer | undefined => {
    const top = heap[0]
    const last = heap.pop()
    if (heap.length > 0 && last) {
      heap[0] = last
      for (let i = 0; ;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < heap.length && before(heap[l] as Timer, heap[m] as Timer)) m = l
        if (r < heap.length && before(heap[r] as Timer, heap[m] as Timer)) m = r
        if (m === i) break
        ;[heap[i], heap[m]] = [heap[m] as Timer, heap[i] as Timer]
        i = m
      }
    }
    return top
  }

  return {
    now: () => current,
    setTimeout(callback, ms) {
      const id = ++seq
      live.add(id)
      push({ id, at: current + Math.max(0, ms), seq: id, callback })
      return id
    },
    clearTimeout(handle) {
      if (typeof handle === 'number') live.delete(handle)
    },
    async advance(until, budget) {
      let fired = 0
      while (fired < budget) {
        const next = heap[0]
        if (!next || next.at > until) break
        pop()
        if (!live.delete(next.id)) continue
        current = Math.max(current, next.at)
        next.callback()
        fired++
        // Let promise chains the timer started (a fetch answering, a waiter resolving) settle at this
        // simulated instant, before time moves on.
        // oxlint-disable-next-line unicorn/no-unnecessary-await -- each await yields one microtask turn, on purpose.
        for (let i = 0; i < 12; i++) await null
      }
      if (fired < budget) current = Math.max(current, until)
      return fired
    },
    get pending() {
      return live.size
    },
  }
}
