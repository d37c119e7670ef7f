// The bench's wiring, checked without timing anything: every contender answers a request with a valid token
// over the in-process transport, and the refreshing ones turn a burst with an expired token into one token call.
// painless-token with refreshAheadMs 0 runs in E only, and is checked the same way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allContenders, expiryContenders, refreshers } from '../bench/contenders/index.ts'
import { fireBurst } from '../bench/measure/burst.ts'
import { installBenchUni } from '../bench/runtime/uni-global.ts'
import { createTransport } from '../bench/transports/index.ts'

const everyContender = [...new Set([...allContenders, ...expiryContenders])]
const everyRefresher = [...new Set([...refreshers, ...expiryContenders.filter((c) => !c.id.startsWith('baseline'))])]

describe('bench contenders', () => {
  let previousUni: unknown
  beforeAll(() => {
    previousUni = (globalThis as { uni?: unknown }).uni
    installBenchUni()
  })
  afterAll(() => {
    ;(globalThis as { uni?: unknown }).uni = previousUni
  })

  it.each(everyContender.map((c) => [c.id, c] as const))('%s answers 200 with a valid token and fetches none', async (_, contender) => {
    const transport = await createTransport('microtask')
    const instance = contender.create({ transport, start: { kind: 'valid', token: await transport.server.issue() } })

    expect(await instance.send()).toBe(200)
    expect(transport.server.calls('/token')).toBe(0)
    instance.close()
  })

  it.each(everyRefresher.map((c) => [c.id, c] as const))(
    '%s turns 50 requests with an expired token into one token call',
    async (_, contender) => {
      const transport = await createTransport('microtask')
      const instance = contender.create({ transport, start: { kind: 'expired' } })

      const outcome = await fireBurst(instance, 50, 5_000)

      expect(outcome).toMatchObject({ ok: 50, hanging: 0, failures: {} })
      expect(transport.server.calls('/token')).toBe(1)
      instance.close()
    },
  )
})
