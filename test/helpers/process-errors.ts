// Listens, for the rest of the current test, for what a callback of the app may leave behind: a promise rejected
// with nobody listening, or an error thrown from a timer. Tests of "a throwing callback breaks nothing" read both.
import { onTestFinished, vi } from 'vitest'

export function watchProcessErrors() {
  const unhandled = vi.fn()
  const thrown = vi.fn()
  process.on('unhandledRejection', unhandled)
  process.on('uncaughtException', thrown)
  onTestFinished(() => {
    process.off('unhandledRejection', unhandled)
    process.off('uncaughtException', thrown)
  })
  return { unhandled, thrown }
}
