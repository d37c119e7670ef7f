// Abort signals without relying on AbortController, which WeChat mini-programs lack. The
// platform's controller is used where it exists; otherwise a minimal signal of our own.

/**
 * The part of `AbortSignal` painless-token uses. A platform `AbortSignal` fits, and so does ours.
 *
 * @example
 * tokens.getToken({ signal: controller.signal }) // a platform AbortController's signal, where there is one
 * tokens.getToken({ signal: { aborted: false, addEventListener() {}, removeEventListener() {} } }) // or any look-alike
 */
export interface AbortSignalLike {
  readonly aborted: boolean
  readonly reason?: unknown
  addEventListener(type: 'abort', listener: () => void): void
  removeEventListener(type: 'abort', listener: () => void): void
}

export interface AbortHandle {
  readonly signal: AbortSignalLike
  abort(reason?: unknown): void
}

declare const AbortController: (new () => AbortHandle) | undefined

// Looked up once at call time, behind typeof: absent in mini-programs, and never polyfilled.
function platformAbortController(): (new () => AbortHandle) | undefined {
  return typeof AbortController === 'function' ? AbortController : undefined
}

class MinimalAbortSignal implements AbortSignalLike {
  aborted = false
  reason: unknown = undefined
  onabort: ((event: { type: 'abort' }) => void) | null = null
  private listeners: Array<() => void> = []

  addEventListener(type: 'abort', listener: () => void): void {
    if (type === 'abort' && this.listeners.indexOf(listener) === -1) this.listeners.push(listener)
  }

  removeEventListener(type: 'abort', listener: () => void): void {
    const index = this.listeners.indexOf(listener)
    if (type === 'abort' && index !== -1) this.listeners.splice(index, 1)
  }

  /** @internal */
  fire(reason: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    const listeners = this.listeners
    this.listeners = []
    if (this.onabort) this.onabort({ type: 'abort' })
    for (const listener of listeners) listener()
  }
}

/** An abort handle: the platform's AbortController where one exists, else a minimal one. */
export function createAbortHandle(): AbortHandle {
  const Platform = platformAbortController()
  if (Platform) return new Platform()
  const signal = new MinimalAbortSignal()
  return { signal, abort: (reason?: unknown) => signal.fire(reason) }
}
