// painless-token/redis: redisCoordinator, one token for a fleet of Node processes through Redis. Exports only.
// Node only (ioredis or node-redis); neither client is imported: the app passes its own.
/**
 * One upstream refresh per expiry across processes: `redisCoordinator(client, { key })` for the controller's
 * `coordinator` option, with an ioredis or node-redis client.
 *
 * @module painless-token/redis
 */
export { redisCoordinator } from '../redis/coordinator.ts'
export type { RedisCoordinatorOptions } from '../redis/options.ts'
export { CoordinatorUnavailableError, FetchQuotaExceededError } from '../coordination/errors.ts'
export type {
  CoordinatedAttempt,
  CoordinatorConnection,
  CoordinatorHost,
  OnUnavailable,
  SharedGrant,
  SharedRecord,
  TokenCoordinator,
} from '../coordination/types.ts'
