// The controller under every interleaving fast-check can find: PROPERTY_RUNS runs (1,000 by default)
// of generated programs, each checked against the invariants in invariants.ts.
import fc from 'fast-check'
import { describe, it } from 'vitest'
import { controllerProperty, lifecycleProperty, sessionProperty } from './controller.properties.ts'
import { propertyParameters, propertyTimeoutMs } from './run-config.ts'

describe('the token controller under scheduled interleavings', () => {
  it(
    'settles every request once, with the current fresh token or a listed error, one fetch at a time, fetches bounded by cycles × attempts',
    async () => {
      await fc.assert(controllerProperty(), propertyParameters('controller'))
    },
    propertyTimeoutMs(),
  )

  it(
    'with logins, logouts, refused refresh tokens and cool-downs: the same, no fetch while a login is required, onLoginRequired once per loss',
    async () => {
      await fc.assert(sessionProperty(), propertyParameters('sessions'))
    },
    propertyTimeoutMs(),
  )

  it(
    'with refresh-ahead, keepFresh, the app hidden and shown, the network lost and back: the same, no request waits while a usable token is held, no fetch while hidden but for a parked request, no retry while offline',
    async () => {
      await fc.assert(lifecycleProperty(), propertyParameters('lifecycle'))
    },
    propertyTimeoutMs(),
  )
})
