// Waits until the scheduler has nothing left and nothing new arrives: waitIdle() gives up after 50
// quiet microtask ticks, and a luch-request chain can take longer than that between two tasks.
import type fc from 'fast-check'

export async function untilIdle(scheduler: fc.Scheduler): Promise<void> {
  for (;;) {
    await scheduler.waitIdle()
    // One macrotask turn (no delay) lets every pending microtask chain run to its end.
    await new Promise<void>((resolve) => setImmediate(resolve))
    if (scheduler.count() === 0) return
  }
}
