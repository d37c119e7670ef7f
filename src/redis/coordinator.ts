// `redisCoordinator(client, options)`: the Redis engine wrapped by the one coordination driver.
import { createCoordinator } from '../coordination/coordinate.ts'
import type { TokenCoordinator } from '../coordination/types.ts'
import { redisEngine } from './engine.ts'
import type { RedisCoordinatorOptions } from './options.ts'

/**
 * The `coordinator` option for a fleet of Node processes sharing one token through Redis: one upstream refresh per
 * expiry. `client` is an ioredis instance or a node-redis v5/v6 client (connected by the app; it may still be
 * connecting). A subscriber connection is duplicated from it when a controller connects, and closed by `stop()`.
 *
 * @example
 * import { Redis } from 'ioredis'
 * import { redisCoordinator } from 'painless-token/redis'
 *
 * const tokens = createTokenController({
 *   fetchToken,
 *   coordinator: redisCoordinator(new Redis(process.env.REDIS_URL), { key: 'wx:access_token', onUnavailable: 'fail' }),
 * })
 */
export function redisCoordinator(client: unknown, options: RedisCoordinatorOptions): TokenCoordinator {
  return createCoordinator(redisEngine(client, options), options)
}
