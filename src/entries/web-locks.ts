// painless-token/web-locks: webLocksCoordinator, one token refresh for every tab of a browser (Web Locks,
// IndexedDB, BroadcastChannel). Exports only. Browser-only; the root does not carry it.
/**
 * One upstream refresh per expiry across the tabs of one origin: `webLocksCoordinator({ name })` for the
 * controller's `coordinator` option.
 *
 * @module painless-token/web-locks
 */
export { webLocksCoordinator } from '../web-locks/coordinator.ts'
export type { WebLocksCoordinatorOptions } from '../web-locks/coordinator.ts'
export { CoordinatorUnavailableError } from '../coordination/errors.ts'
export type { OnUnavailable, SharedRecord, TokenCoordinator } from '../coordination/types.ts'
