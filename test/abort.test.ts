import { afterEach, describe, expect, it } from 'vitest'
import { createAbortHandle } from '../src/abort.ts'

const host = globalThis as unknown as Record<string, unknown>
const platform = Object.getOwnPropertyDescriptor(globalThis, 'AbortController')

afterEach(() => {
  if (platform) Object.defineProperty(globalThis, 'AbortController', platform)
})

describe('createAbortHandle', () => {
  it('uses the platform AbortController where there is one', () => {
    const { signal } = createAbortHandle()
    expect(signal).toBeInstanceOf(AbortSignal)
  })

  describe('without AbortController, as in a mini-program', () => {
    const minimal = () => {
      delete host.AbortController
      return createAbortHandle()
    }

    it('gives a signal that starts not aborted', () => {
      const { signal } = minimal()
      expect(signal.aborted).toBe(false)
      expect(signal.reason).toBeUndefined()
    })

    it('calls each listener once, with the reason set, and onabort too', () => {
      const handle = minimal()
      const calls: unknown[] = []
      const listener = () => calls.push(handle.signal.reason)
      handle.signal.addEventListener('abort', listener)
      handle.signal.addEventListener('abort', listener) // added twice, called once, like EventTarget
      ;(handle.signal as unknown as { onabort: (e: { type: string }) => void }).onabort = (event) => calls.push(event.type)
      handle.abort('stopped')
      handle.abort('again')
      expect(handle.signal.aborted).toBe(true)
      expect(handle.signal.reason).toBe('stopped')
      expect(calls).toEqual(['abort', 'stopped'])
    })

    it('does not call a removed listener, and ignores removing an unknown one', () => {
      const handle = minimal()
      let called = 0
      const listener = () => called++
      handle.signal.addEventListener('abort', listener)
      handle.signal.removeEventListener('abort', listener)
      // oxlint-disable-next-line unicorn/no-invalid-remove-event-listener -- removing a listener never added must be a no-op.
      handle.signal.removeEventListener('abort', () => undefined)
      handle.abort('x')
      expect(called).toBe(0)
    })

    it('ignores event types other than abort', () => {
      const handle = minimal()
      let called = 0
      const listener = () => called++
      ;(handle.signal.addEventListener as (type: string, l: () => void) => void)('change', listener)
      handle.abort()
      expect(called).toBe(0)
    })
  })
})
