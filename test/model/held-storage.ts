// A storage for the model suite: what it holds is decided by the model's hydration step, and the
// controller's one read of it stays pending until then. Writes are counted: none may come before the read.
import type { TokenStorage } from '../../src/index.ts'

export function heldStorage() {
  let held: string | undefined
  let writes = 0
  let finishRead: ((raw: string | undefined) => void) | undefined
  const storage: TokenStorage = {
    get: () => new Promise<string | undefined>((resolve) => (finishRead = resolve)),
    set: (_key, value) => {
      held = value
      writes++
    },
    remove: () => {
      held = undefined
      writes++
    },
  }
  return {
    storage,
    /** The stored string, or undefined when nothing is stored. */
    get held() {
      return held
    },
    get writes() {
      return writes
    },
    /** The read finds `raw`: what storage held all along. */
    finishRead(raw: string | undefined): void {
      if (!finishRead) throw new Error('held storage: the controller never read it')
      if (writes !== 0) throw new Error('held storage: written before the read finished')
      held = raw
      finishRead(raw)
    },
  }
}
