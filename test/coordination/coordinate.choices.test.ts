// Two choices of the coordination driver seen from the engine's side, with a scripted engine (a test double: each
// call answers what the test says; the real engines have suites of their own): which refresh token the upstream call
// gets when the lock is taken over a stored record, and which announced records reach the host.
import { describe, expect, it } from 'vitest'
import { createAbortHandle } from '../../src/abort.ts'
import { createCoordinator, sharedRecord } from '../../src/coordination/coordinate.ts'
import type { AcquireOutcome, CoordinationEngine, CoordinatorHost, SharedGrant, SharedRecord } from '../../src/coordination/types.ts'
import { createGrant } from '../../src/grant.ts'

const NOW = Date.UTC(2026, 11, 7)
const flush = () => new Promise<void>((resolve) => setImmediate(resolve))

function scriptedEngine(script: { acquire?: AcquireOutcome; reads?: Array<SharedRecord | null> }) {
  let listener: ((version: number) => void) | undefined
  const reads = [...(script.reads ?? [])]
  const engine: CoordinationEngine = {
    kind: 'scripted',
    check: () => undefined,
    read: async () => (reads.length > 0 ? reads.shift()! : null),
    acquire: async () => script.acquire!,
    publish: async (_lock, expected, grant) => ({
      written: true,
      record: sharedRecord({ ...grant, version: expected + 1, accessToken: grant.accessToken }),
    }),
    release: async () => undefined,
    waitForChange: async () => undefined,
    watch: (next) => {
      listener = next
      return () => (listener = undefined)
    },
    close: async () => undefined,
  }
  return { engine, announce: (version: number) => listener?.(version) }
}

function connect(engine: CoordinationEngine) {
  const adopted: SharedGrant[] = []
  const host: CoordinatorHost = {
    fetchTimeoutMs: 10_000,
    isFresh: () => true,
    now: () => NOW,
    clock: { setTimeout: () => 0, clearTimeout: () => undefined },
    report: undefined,
    adopt: (grant) => adopted.push(grant),
  }
  return { connection: createCoordinator(engine).connect(host), adopted }
}

const record = (version: number, refreshToken: string) =>
  sharedRecord({ version, accessToken: `access-${version}`, refreshToken, remainingMs: 1_000, lifetimeMs: 7_200_000 })

describe('the refresh token of the upstream call, when the lock is taken over a stored record', () => {
  async function refreshTokenGiven(storedVersion: number, knownVersion: number): Promise<string | undefined> {
    const { engine } = scriptedEngine({
      acquire: { kind: 'acquired', lock: {}, version: storedVersion, record: record(storedVersion, 'stored-refresh') },
    })
    const { connection } = connect(engine)
    const given: Array<string | undefined> = []
    await connection.refresh({
      knownVersion,
      signal: createAbortHandle().signal,
      fetch: async (_signal, refreshToken) => {
        given.push(refreshToken)
        return Object.assign(createGrant('fresh', NOW + 7_200_000), { receivedAt: NOW })
      },
    })
    return given[0]
  }

  it("is the record's when the record is newer than the token held (rotated elsewhere, its push missed)", async () => {
    expect(await refreshTokenGiven(5, 4)).toBe('stored-refresh')
  })

  it("is the instance's own (undefined here) when the record is the very version held: after a login it is the old session's", async () => {
    expect(await refreshTokenGiven(4, 4)).toBeUndefined()
  })
})

describe('announcements: only a record newer than the last one read reaches the host', () => {
  it('hands over a newer record, and not one that is older than or the same as the last read', async () => {
    const { engine, announce } = scriptedEngine({ reads: [record(5, 'r5'), record(5, 'r5'), record(4, 'r4'), record(6, 'r6')] })
    const { connection, adopted } = connect(engine)
    await connection.read() // the last read: version 5

    announce(6) // the read answers 5: the same as the last read
    await flush()
    announce(7) // the read answers 4: older (the newer one expired meanwhile)
    await flush()
    announce(8) // the read answers 6: newer
    await flush()

    expect(adopted.map((grant) => grant.version)).toEqual([6])
  })
})
