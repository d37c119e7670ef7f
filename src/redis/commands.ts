// The two Redis clients behind one small interface, recognised by shape (neither is imported): ioredis
// (`status` string, `eval(script, numKeys, ...args)`) and node-redis v5/v6 (`isOpen`, `eval(script, { keys,
// arguments })` with string arguments only). Anything else is a TypeError naming `client`.

/**
 * What the engine needs from a client: a script call, and a subscription on its own connection.
 *
 * @example
 * const reply = await commands.eval(READ, ['wx:token'], [])
 */
export interface RedisCommands {
  eval(script: string, keys: string[], args: string[]): Promise<unknown>
  /** Opens a duplicated connection subscribed to `channel`; the returned function closes it. */
  subscribe(channel: string, onMessage: (message: string) => void): Subscription
}

export interface Subscription {
  /** Subscribed right now (false while connecting or reconnecting: messages are being missed). */
  live(): boolean
  close(): void
}

// The parts of each client used here, typed by hand so that neither library is needed to build.
interface IoRedisLike {
  status: string
  eval(script: string, numKeys: number, ...args: string[]): Promise<unknown>
  duplicate(): IoRedisLike
  on(event: string, listener: (...args: never[]) => void): unknown
  subscribe(channel: string): Promise<unknown>
  disconnect(): void
}

interface NodeRedisLike {
  isOpen: boolean
  isReady: boolean
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
  duplicate(): NodeRedisLike
  on(event: string, listener: (...args: never[]) => void): unknown
  connect(): Promise<unknown>
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>
  destroy(): void
}

export function redisCommands(client: unknown): RedisCommands {
  if (isIoRedis(client)) return ioRedisCommands(client)
  if (isNodeRedis(client)) return nodeRedisCommands(client)
  throw new TypeError('redisCoordinator: client must be an ioredis instance or a node-redis (redis, @redis/client) client')
}

function hasMethods(value: unknown, names: string[]): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  return names.every((name) => typeof record[name] === 'function')
}

function isIoRedis(client: unknown): client is IoRedisLike {
  return hasMethods(client, ['eval', 'duplicate', 'on']) && typeof client.status === 'string'
}

function isNodeRedis(client: unknown): client is NodeRedisLike {
  return hasMethods(client, ['eval', 'duplicate', 'on']) && typeof client.isOpen === 'boolean'
}

function ioRedisCommands(client: IoRedisLike): RedisCommands {
  return {
    // An instance still connecting queues the call: 'ready' is not required.
    eval: (script, keys, args) => client.eval(script, keys.length, ...keys, ...args),
    subscribe(channel, onMessage) {
      const subscriber = client.duplicate()
      // Without a listener ioredis prints every connection error; the engine's own timeout reports outages.
      subscriber.on('error', ignore)
      // This connection subscribes to our one channel only.
      subscriber.on('message', (_channel: string, message: string) => onMessage(message))
      let subscribed = false
      // Resubscribed by ioredis itself after a reconnect.
      subscriber.subscribe(channel).then(() => {
        subscribed = true
      }, ignore)
      return { live: () => subscribed && subscriber.status === 'ready', close: () => subscriber.disconnect() }
    },
  }
}

function nodeRedisCommands(client: NodeRedisLike): RedisCommands {
  return {
    // node-redis refuses numbers: every argument is a string already.
    eval: (script, keys, args) => client.eval(script, { keys, arguments: args }),
    subscribe(channel, onMessage) {
      const subscriber = client.duplicate()
      // A duplicate with no 'error' listener ends the process on its first socket error.
      subscriber.on('error', ignore)
      let closed = false
      let subscribed = false
      // connect() retries until it connects (or destroy() ends it); node-redis resubscribes after a reconnect.
      subscriber
        .connect()
        .then(() => (closed ? undefined : subscriber.subscribe(channel, (message) => onMessage(message))))
        .then(() => {
          subscribed = true
        }, ignore)
      return {
        live: () => subscribed && subscriber.isReady,
        close() {
          closed = true
          subscriber.destroy()
        },
      }
    },
  }
}

function ignore(): void {}
