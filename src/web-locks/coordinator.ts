// `webLocksCoordinator({ name })`: the Web Locks engine wrapped by the shared driver. Checks its options and the
// browser at construction: a TypeError names what is wrong or missing.
import { createCoordinator } from '../coordination/coordinate.ts'
import type { OnUnavailable, TokenCoordinator } from '../coordination/types.ts'
import { browserApis } from './browser.ts'
import { webLocksEngine } from './engine.ts'

/**
 * Options of `webLocksCoordinator`.
 *
 * @example
 * webLocksCoordinator({ name: 'my-app:token', onUnavailable: 'local' })
 */
export interface WebLocksCoordinatorOptions {
  /**
   * What tabs of one origin share a token by: the lock `${name}:refresh`, the IndexedDB database
   * `painless-token:${name}`, the BroadcastChannel `${name}`. A non-empty string.
   */
  name: string
  /** When IndexedDB or the lock fails: `'local'` (default) refreshes in this tab alone; `'fail'` fails the attempt. */
  onUnavailable?: OnUnavailable
}

/**
 * One refresh for every tab of a browser: a Web Lock for the right to refresh (held for one attempt at most, stolen
 * once from a holder frozen past `fetchTimeoutMs`), IndexedDB for the shared record (a versioned compare-and-set in
 * one readwrite transaction), a BroadcastChannel carrying versions, never tokens. Throws a `TypeError` in a runtime
 * without Web Locks, IndexedDB or BroadcastChannel: there is no localStorage fallback.
 *
 * @example
 * import { createTokenController } from 'painless-token'
 * import { webLocksCoordinator } from 'painless-token/web-locks'
 *
 * const tokens = createTokenController({ fetchToken, coordinator: webLocksCoordinator({ name: 'my-app:token' }) })
 */
export function webLocksCoordinator(options: WebLocksCoordinatorOptions): TokenCoordinator {
  if (typeof options !== 'object' || options === null) throw new TypeError('webLocksCoordinator: options must be an object with a name')
  const { name } = options
  if (typeof name !== 'string' || name === '') throw new TypeError('webLocksCoordinator: name must be a non-empty string')
  const apis = browserApis()
  const engine = webLocksEngine(apis, { lockName: `${name}:refresh`, dbName: `painless-token:${name}`, channelName: name })
  return createCoordinator(engine, { onUnavailable: options.onUnavailable })
}
