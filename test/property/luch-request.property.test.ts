// luch-request with the controller attached, under every interleaving fast-check can find:
// PROPERTY_RUNS runs (1,000 by default), each checked against the controller's invariants and the
// replay bound (invariant 6).
import fc from 'fast-check'
import { describe, it } from 'vitest'
import { luchRequestProperty } from './luch-request.properties.ts'
import { propertyParameters, propertyTimeoutMs } from './run-config.ts'

describe('luch-request with the token controller under scheduled interleavings', () => {
  it(
    'sends no request more than 1 + maxReplays times, passes a 401 on only with no replay left, and keeps every controller invariant',
    async () => {
      await fc.assert(luchRequestProperty(), propertyParameters('luch-request'))
    },
    propertyTimeoutMs(),
  )
})
