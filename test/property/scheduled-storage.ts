// The storage the controller hydrates from: read at once (empty, or holding a token), or an async
// storage whose read the scheduler releases when it likes, so requests, clear() and stop() come first.
import type fc from 'fast-check'
import { memoryStorage, type TokenStorage } from '../../src/index.ts'
import type { StoragePlan } from './arbitraries.ts'

/** The token an async storage holds at start, when its plan says it holds one. */
export const STORED_TOKEN = 'stored-token'

export function scheduledStorage(scheduler: fc.Scheduler, plan: StoragePlan, now: number): TokenStorage {
  if (plan.kind === 'memory') return memoryStorage()
  if (plan.kind === 'sync') {
    const storage = memoryStorage()
    storage.set('painless-token', JSON.stringify({ accessToken: STORED_TOKEN, expiresAt: now + plan.expiresInMs }))
    return storage
  }
  const values = new Map<string, string>()
  return {
    get: () => {
      // The value joins only after the scheduled task, so the scheduler's report never prints a token.
      if (plan.stored === 'fails') {
        return scheduler.schedule(Promise.resolve(), 'storage read fails').then(() => Promise.reject(new Error('storage read failed')))
      }
      const raw =
        plan.stored === 'token'
          ? JSON.stringify({ accessToken: STORED_TOKEN, expiresAt: now + plan.expiresInMs })
          : plan.stored === 'garbage'
            ? '{"accessToken":42'
            : null
      return scheduler.schedule(Promise.resolve(), `storage read (${plan.stored})`).then(() => raw)
    },
    set: (key, value) => void values.set(key, value),
    remove: (key) => void values.delete(key),
  }
}
