// Found while building the Web Locks engine: the driver races `engine.acquire` against the attempt's signal, and when
// the signal wins, a lock granted afterwards is never released (nobody holds the outcome). An engine whose lock has
// no lease (a Web Lock) would block every other tab until this one closes; painless-token/web-locks guards against
// it itself (it releases on the attempt's abort), a Redis lock waits out its lease. The driver could release it.
import { describe, expect, it, vi } from 'vitest'
import { createCoordinator } from '../../src/coordination/coordinate.ts'
import type { AcquireOutcome, CoordinationEngine } from '../../src/coordination/types.ts'
import { createAbortHandle } from '../../src/abort.ts'

function engineWithLateGrant() {
  let grant: (outcome: AcquireOutcome) => void = () => {}
  const release = vi.fn(async () => {})
  const engine: CoordinationEngine = {
    kind: 'late',
    check() {},
    read: async () => null,
    acquire: () => new Promise<AcquireOutcome>((resolve) => (grant = resolve)),
    publish: async () => ({ written: false, record: null }),
    release,
    waitForChange: async () => {},
    watch: () => () => {},
    close: async () => {},
  }
  return { engine, release, grant: (outcome: AcquireOutcome) => grant(outcome) }
}

describe('the coordination driver, an attempt that ends while acquire is pending', () => {
  // A regression test: the driver once left such a lock to the engine (a Web Lock has no lease: it would block every tab).
  it('releases a lock granted after the attempt was abandoned', async () => {
    const { engine, release, grant } = engineWithLateGrant()
    const connection = createCoordinator(engine).connect({
      fetchTimeoutMs: 1_000,
      isFresh: () => true,
      now: () => 0,
      clock: { setTimeout: () => 0, clearTimeout: () => {} },
      report: undefined,
      adopt: () => {},
    })
    const attempt = createAbortHandle()
    const fetch = vi.fn()
    const outcome = connection.refresh({ knownVersion: 0, signal: attempt.signal, fetch })
    attempt.abort(new Error('attempt timed out'))
    await expect(outcome).rejects.toMatchObject({ code: 'ABORTED' })

    grant({ kind: 'acquired', lock: 'late-lock', version: 0, record: null })
    await new Promise((resolve) => setTimeout(resolve, 0))

    expect(fetch).not.toHaveBeenCalled()
    expect(release).toHaveBeenCalledWith('late-lock')
  })
})
