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

describe('errors in inspection events', () => {
  it.each<[string, unknown, { name: string; code: string; status: number | undefined }]>([
    [
      'an HTTP client error, down to name, code and status',
      Object.assign(new Error('failed: SeCrEt'), { name: 'AxiosError', code: 'ERR_BAD_RESPONSE', status: 500, config: { data: 'SeCrEt' } }),
      { name: 'AxiosError', code: 'ERR_BAD_RESPONSE', status: 500 },
    ],
    [
      'a luch-request answer, by its statusCode',
      { statusCode: 502, data: 'SeCrEt' },
      { name: 'object', code: 'FETCH_FAILED', status: 502 },
    ],
    ['a thrown string, by its type', 'SeCrEt', { name: 'string', code: 'FETCH_FAILED', status: undefined }],
    [
      'an error whose getters throw',
      {
        get name(): string {
          throw new Error('SeCrEt')
        },
      },
      { name: 'object', code: 'FETCH_FAILED', status: undefined },
    ],
  ])('summarises %s, in the event and in the context', (_name, error, summary) => {
    const event = {
      type: '@xstate.snapshot',
      event: { type: 'fetch.failed', error },
      snapshot: { context: { lastError: error, attempt: 1 } },
    } as unknown as InspectionEvent

    const redacted = redactInspectionEvent(event) as unknown as { event: { error: unknown }; snapshot: { context: { lastError: unknown } } }

    expect(redacted.event.error).toEqual(summary)
    expect(redacted.snapshot.context.lastError).toEqual(summary)
    expect(JSON.stringify(redacted)).not.toContain('SeCrEt')
  })

  it('leaves a context without an error as it is', () => {
    const event = { type: '@xstate.snapshot', snapshot: { context: { lastError: undefined, attempt: 0 } } } as unknown as InspectionEvent

    const redacted = redactInspectionEvent(event) as unknown as { snapshot: { context: Record<string, unknown> } }

    expect(redacted.snapshot.context).toEqual({ lastError: undefined, attempt: 0 })
  })
})
