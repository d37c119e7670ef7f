// One request waiting for a token. It settles once: the first of answer, timeout, abort or stop
// wins, and later attempts are no-ops. A class, not closures, so a parked request stays small.
import type { Waiter } from '../machines/token.types.ts'
import type { AbortSignalLike } from './abort.ts'
import type { TokenError } from './errors.ts'

/** Told when a waiter settles, for `onEvent`. Shared by all waiters of a controller. */
export interface WaiterObserver {
  released(waiter: PendingRequest): void
  rejected(waiter: PendingRequest, error: TokenError): void
}

export class PendingRequest implements Waiter {
  settled = false
  readonly promise: Promise<string>
  private resolvePromise!: (token: string) => void
  private rejectPromise!: (error: TokenError) => void
  private signal: AbortSignalLike | undefined = undefined
  private onAbort: (() => void) | undefined = undefined

  constructor(
    readonly id: number,
    readonly deadline: number,
    private readonly observer: WaiterObserver | undefined,
  ) {
    this.promise = new Promise<string>((resolve, reject) => {
      this.resolvePromise = resolve
      this.rejectPromise = reject
    })
  }

  resolve(accessToken: string): boolean {
    if (this.settled) return false
    this.settle()
    this.resolvePromise(accessToken)
    if (this.observer) this.observer.released(this)
    return true
  }

  reject(error: TokenError): boolean {
    if (this.settled) return false
    this.settle()
    this.rejectPromise(error)
    if (this.observer) this.observer.rejected(this, error)
    return true
  }

  /** Calls `onAbort` once if `signal` aborts before this waiter settles. */
  watch(signal: AbortSignalLike, onAbort: () => void): void {
    this.signal = signal
    this.onAbort = onAbort
    signal.addEventListener('abort', onAbort)
  }

  private settle(): void {
    this.settled = true
    // The machine settles waiters inside its actions: a caller's odd signal must not throw there.
    try {
      if (this.signal && this.onAbort) this.signal.removeEventListener('abort', this.onAbort)
    } catch {
      /* the listener stays; it finds this waiter settled and does nothing */
    }
    this.signal = undefined
    this.onAbort = undefined
  }
}
