// Every Redis call raced against our own timeout: both clients queue commands while disconnected (ioredis
// #61/#285), so an outage would otherwise hang each call until the client gives up, if it ever does.
import { CoordinatorUnavailableError } from '../coordination/errors.ts'

declare function setTimeout(callback: () => void, ms: number): unknown
declare function clearTimeout(handle: unknown): void

/** `reply`, or a `CoordinatorUnavailableError` once `timeoutMs` passed or the client failed. */
export function bounded<T>(reply: Promise<T>, timeoutMs: number, operation: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new CoordinatorUnavailableError(`redis did not answer ${operation} within ${timeoutMs} ms`))
    }, timeoutMs)
    reply.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(unavailable(error, operation))
      },
    )
  })
}

/**
 * The client's error, as a `CoordinatorUnavailableError`. Its cause keeps the name and message only: ioredis errors
 * carry the command's arguments, and publish's arguments hold the token.
 */
function unavailable(error: unknown, operation: string): CoordinatorUnavailableError {
  // Object(): a client rejecting with undefined or a string must not break this handler (the call would never settle).
  const failure = Object(error) as { name?: unknown; message?: unknown }
  const cause = new Error(String(failure.message))
  cause.name = String(failure.name)
  return new CoordinatorUnavailableError(`redis ${operation} failed (${cause.name})`, { cause })
}
