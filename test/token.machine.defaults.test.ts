// The machine on its own needs no input: Stately Studio, the visualizer and `createActor(tokenMachine)` start it
// bare, on the same defaults the controller documents.
import { createActor } from 'xstate'
import { describe, expect, it } from 'vitest'
import { tokenMachine } from '../machines/token.machine.ts'

describe('token machine: no input', () => {
  it('starts in idle.hydrating on the documented defaults, with no token yet and no jitter', () => {
    // @ts-expect-error the machine's type asks for input; Stately Studio and the visualizer start it without
    const actor = createActor(tokenMachine).start()
    const { value, context } = actor.getSnapshot()

    expect(value).toEqual({ idle: 'hydrating' })
    expect(context).toMatchObject({
      retry: { attempts: 3, baseDelayMs: 300, maxDelayMs: 10_000 },
      leewayMs: 30_000,
      fetchTimeoutMs: 10_000,
      waitTimeoutMs: 30_000,
      maxQueue: 10_000,
      accessToken: null,
      generation: 0,
      reason: 'missing',
    })
    expect(context.random()).toBe(1)
    actor.stop()
  })

  it('fills in what a partial input leaves out', () => {
    const actor = createActor(tokenMachine, { input: { retry: { attempts: 5 }, maxQueue: 3 } }).start()

    expect(actor.getSnapshot().context).toMatchObject({
      retry: { attempts: 5, baseDelayMs: 300, maxDelayMs: 10_000 },
      maxQueue: 3,
      leewayMs: 30_000,
    })
    actor.stop()
  })
})
