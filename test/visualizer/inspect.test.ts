// The `inspect` option with @statelyai/inspect: an inspector built on a custom adapter (no browser, no
// socket) must report a snapshot for every transition a refresh cycle takes, and never a token.
import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTokenController } from '../../src/index.ts'

const TOKEN = 'tok_inspect_abcdefghijklmnopqrstuvwxyz'

function inspected() {
  const sent: StatelyInspectionEvent[] = []
  const inspector = createInspector({ send: (event) => void sent.push(event) })
  // The machine's own snapshots (its fetch actor reports too, without a state value).
  const snapshots = (sessionId: string) =>
    sent
      .filter((e) => e.type === '@xstate.snapshot' && e.sessionId === sessionId)
      .map((e) => JSON.stringify((e as { snapshot: { value?: unknown } }).snapshot.value))
  return { inspector, sent, snapshots }
}

describe('createTokenController({ inspect: inspector.inspect })', () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  it('reports a snapshot for every state a refresh cycle with one retry passes through', async () => {
    const { inspector, snapshots, sent } = inspected()
    let calls = 0
    const tokens = createTokenController({
      fetchToken: async () => {
        if (++calls === 1) throw Object.assign(new Error('HTTP 500'), { code: 'HTTP_500' })
        return { access_token: TOKEN, expires_in: 3600 }
      },
      retry: { attempts: 3, baseDelayMs: 100, jitter: false },
      inspect: inspector.inspect,
    })
    const seen: string[] = [JSON.stringify(tokens.actor.getSnapshot().value)]
    tokens.actor.subscribe((s) => {
      const value = JSON.stringify(s.value)
      if (value !== seen.at(-1)) seen.push(value)
    })

    const token = tokens.getToken()
    await vi.advanceTimersByTimeAsync(100)
    await expect(token).resolves.toBe(TOKEN)
    // The inspector hands events on in an idle callback (a timer where there is no requestIdleCallback).
    await vi.runOnlyPendingTimersAsync()

    expect(seen).toEqual([
      '{"idle":"empty"}',
      '{"refreshing":"fetching"}',
      '{"refreshing":"waitingToRetry"}',
      '{"refreshing":"fetching"}',
      '"valid"',
    ])
    const reported = snapshots(tokens.actor.sessionId).filter((value, i, all) => value !== all[i - 1])
    // Before these: the initial idle.hydrating, which storage hydration leaves at once.
    expect(reported.slice(-seen.length)).toEqual(seen)
    expect(sent.some((e) => e.type === '@xstate.actor')).toBe(true)
    expect(JSON.stringify(sent)).not.toContain(TOKEN)
    tokens.stop()
  })
})
