// The browser's timers, declared here (src/ has no DOM types). The engine's waits use real time: Web Locks and
// IndexedDB run on the browser's clock, not on the controller's `clock` option.
declare function setTimeout(callback: () => void, ms: number): unknown
declare function clearTimeout(handle: unknown): void

/** Runs `callback` after `ms`; the returned function cancels it. */
export function later(ms: number, callback: () => void): () => void {
  const handle = setTimeout(callback, Math.max(0, ms))
  return () => clearTimeout(handle)
}
