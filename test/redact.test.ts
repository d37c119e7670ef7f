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

describe('actors in inspection events', () => {
  const context = { accessToken: 'SeCrEt', refreshToken: 'SeCrEt2', expiresAt: 5 }
  const parent = { id: 'x:0', sessionId: 'x:0', _snapshot: { context }, getSnapshot: () => ({ value: 'valid', context }) }
  const child = {
    id: '0.token.refreshing.fetching',
    sessionId: 'x:1',
    src: 'fetchToken',
    _parent: parent,
    getSnapshot: () => ({ status: 'active', input: { attempt: 1 } }),
    getPersistedSnapshot: () => ({ context }),
  }

  it('stands for an actor with a plain view: its ids, its parent’s view, a redacted getSnapshot(), and no more', () => {
    const event = { type: '@xstate.actor', actorRef: child } as unknown as InspectionEvent

    const { actorRef } = redactInspectionEvent(event) as unknown as { actorRef: Record<string, unknown> & AnyActorRef }

    expect(Object.getPrototypeOf(actorRef)).toBe(Object.prototype)
    expect(actorRef).toMatchObject({
      id: '0.token.refreshing.fetching',
      sessionId: 'x:1',
      _parent: { sessionId: 'x:0' },
    })
    for (const live of ['_snapshot', 'mailbox', 'system', 'src', 'getPersistedSnapshot']) expect(actorRef).not.toHaveProperty(live)
    expect(actorRef._parent!.getSnapshot().context).toEqual({ accessToken: '[redacted]', refreshToken: '[redacted]', expiresAt: 5 })
    expect(JSON.stringify(actorRef)).toBe('{"xstate$$type":1,"id":"0.token.refreshing.fetching"}')
  })

  it('gives one actor one view, in every event and wherever it appears', () => {
    const spawn = {
      type: '@xstate.action',
      actorRef: parent,
      action: { type: 'xstate.spawnChild', params: { id: child.id, actorRef: child } },
    }
    const stop = { type: '@xstate.action', actorRef: parent, action: { type: 'xstate.stopChild', params: child } }
    const snapshot = { type: '@xstate.snapshot', actorRef: parent, snapshot: { value: 'x', children: { [child.id]: child } } }

    const [a, b, c] = [spawn, stop, snapshot].map((event) => redactInspectionEvent(event as unknown as InspectionEvent)) as unknown as [
      { action: { params: { actorRef: unknown } } },
      { action: { params: unknown } },
      { snapshot: { children: Record<string, unknown> } },
    ]

    expect(a.action.params.actorRef).toBe(b.action.params)
    expect(c.snapshot.children[child.id]).toBe(b.action.params)
    expect(b.action.params).not.toHaveProperty('_snapshot')
    expect(JSON.stringify([a, b, c])).not.toContain('SeCrEt')
  })

  it('drops the machine, its state nodes and the microstep transitions that lead into them', () => {
    const machine = { config: { id: 'token' } }
    const event = {
      type: '@xstate.microstep',
      actorRef: parent,
      snapshot: { value: 'valid', machine, _nodes: [{ machine }], historyValue: {}, can: () => true, getMeta: () => ({}) },
      _transitions: [{ source: { machine } }],
    } as unknown as InspectionEvent

    const redacted = redactInspectionEvent(event) as unknown as Record<string, Record<string, unknown>>

    expect(redacted).not.toHaveProperty('_transitions')
    expect(Object.keys(redacted.snapshot!)).toEqual(['value'])
  })
})

describe('secrets at any depth', () => {
  it('masks credentials, summarises errors and hides other objects however deep they sit', () => {
    const error = Object.assign(new Error('failed for SeCrEt'), { config: { data: 'password=SeCrEt' } })
    const event = {
      type: '@xstate.event',
      event: {
        type: 'x',
        nested: { list: [{ client_secret: 'SeCrEt', password: 'SeCrEt', kept: 1 }, error], pending: Promise.resolve('SeCrEt') },
      },
    } as unknown as InspectionEvent

    const redacted = redactInspectionEvent(event) as unknown as { event: unknown }

    expect(redacted.event).toEqual({
      type: 'x',
      nested: {
        list: [
          { client_secret: '[redacted]', password: '[redacted]', kept: 1 },
          { name: 'Error', code: 'FETCH_FAILED', status: undefined },
        ],
        pending: '[redacted]',
      },
    })
  })
})

describe('data that is not shallow', () => {
  it('follows no cycle: past a few levels of nesting it shows a mark, not the data', () => {
    const cyclic: Record<string, unknown> = { type: 'x', accessToken: 'SeCrEt' }
    cyclic.self = cyclic
    const bare = Object.assign(Object.create(null) as object, { kept: 1, password: 'SeCrEt' })

    const redacted = redactInspectionEvent({
      type: '@xstate.event',
      event: { type: 'x', cyclic, bare },
    } as unknown as InspectionEvent) as unknown as {
      event: { cyclic: Record<string, unknown>; bare: unknown }
    }

    let level: unknown = redacted.event.cyclic
    while (typeof level === 'object') level = (level as Record<string, unknown>).self
    expect(level).toBe('[redacted]')
    expect({ ...(redacted.event.bare as object) }).toEqual({ kept: 1, password: '[redacted]' })
    expect(JSON.stringify(redacted)).not.toContain('SeCrEt')
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
