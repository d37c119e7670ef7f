// The two Redis clients painless-token/redis recognises, made the way an app makes them, for describe.each. Each
// test's clients are closed when it finishes. `inspector` is a plain ioredis connection the tests read keys with.
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { onTestFinished } from 'vitest'
import type { RedisServer } from '../helpers/redis-server.ts'

export interface ClientKind {
  readonly name: 'ioredis' | 'node-redis'
  /** A client for `server`, closed when the test finishes; node-redis is connected (as an app must), ioredis may still be connecting. */
  connect(server: RedisServer): Promise<unknown>
}

export const clientKinds: ClientKind[] = [
  {
    name: 'ioredis',
    async connect(server) {
      const client = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: null })
      // ioredis prints connection errors without a listener; outage tests cause them on purpose.
      client.on('error', () => undefined)
      onTestFinished(() => client.disconnect())
      return client
    },
  },
  {
    name: 'node-redis',
    async connect(server) {
      const client = createClient({ url: server.url })
      // Without one, a socket error ends the process.
      client.on('error', () => undefined)
      await client.connect()
      onTestFinished(() => {
        if (client.isOpen) client.destroy()
      })
      return client
    },
  },
]

/** A plain connection for looking at what the engine wrote (GET, PTTL, MONITOR, SUBSCRIBE). */
export function inspector(server: RedisServer): Redis {
  const client = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: null })
  client.on('error', () => undefined)
  onTestFinished(() => client.disconnect())
  return client
}

let keyCount = 0
/** A key of its own for each test: the suite shares one server. */
export function freshKey(): string {
  keyCount += 1
  return `test:${process.pid}:${keyCount}:token`
}
