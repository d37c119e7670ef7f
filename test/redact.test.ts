// redactInspectionEvent on shapes the token machine's own inspection does not produce: an event without an
// actor, and an actor whose snapshot is not an object. Nothing is invented where there is nothing to redact.
import type { AnyActorRef, InspectionEvent } from 'xstate'
import { describe, expect, it } from 'vitest'
import { redactInspectionEvent } from '../src/redact.ts'

describe('redactInspectionEvent', () => {
  it('redacts the event of an inspection event that names no actor, adding none', () => {
    const event = { type: '@xstate.event', event: { type: 'x', accessToken: 'SeCrEt' } } as unknown as InspectionEvent

    const redacted = redactInspectionEvent(event) as unknown as Record<string, unknown>

    expect(redacted).not.toHaveProperty('actorRef')
    expect(redacted.event).toEqual({ type: 'x', accessToken: '[redacted]' })
  })

  it("passes an actor's snapshot through when it is not an object", () => {
    const actorRef = { getSnapshot: () => undefined } as unknown as AnyActorRef
    const event = { type: '@xstate.actor', actorRef } as unknown as InspectionEvent

    const redacted = redactInspectionEvent(event) as unknown as { actorRef: AnyActorRef }

    expect(redacted.actorRef.getSnapshot()).toBeUndefined()
  })

  it("masks the tokens in an actor's snapshot read through the redacted view", () => {
    const actorRef = {
      getSnapshot: () => ({ context: { accessToken: 'SeCrEt', refreshToken: 'SeCrEt2', expiresAt: 5 } }),
    } as unknown as AnyActorRef
    const event = { type: '@xstate.actor', actorRef } as unknown as InspectionEvent

    const redacted = redactInspectionEvent(event) as unknown as { actorRef: AnyActorRef }

    expect(redacted.actorRef.getSnapshot().context).toEqual({ accessToken: '[redacted]', refreshToken: '[redacted]', expiresAt: 5 })
  })
})
