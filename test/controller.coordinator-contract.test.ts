// A coordinator written by the app (TokenCoordinator is public) that breaks its contract: its read() rejects instead
// of answering null. The controller must still become ready, and requests still settle through fetchToken.
import { expect, it } from 'vitest'
import type { TokenCoordinator } from '../src/coordination/types.ts'
import { createTokenController } from '../src/index.ts'

it('resolves ready() and serves requests when a coordinator of the app’s own rejects its shared read', async () => {
  const coordinator: TokenCoordinator = {
    connect: () => ({
      read: () => Promise.reject(new Error('broken store')),
      refresh: async () => {
        throw new Error('broken store')
      },
      close: () => undefined,
    }),
  }
  const tokens = createTokenController({
    fetchToken: async () => ({ accessToken: 'a', expiresIn: 3600 }),
    coordinator,
    retry: { attempts: 1 },
  })

  await expect(tokens.ready()).resolves.toBeUndefined()
  await expect(tokens.getToken()).rejects.toMatchObject({ code: 'REFRESH_FAILED' })
  tokens.stop()
})
