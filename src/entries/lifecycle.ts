// painless-token/lifecycle: watchLifecycle, the app's show/hide and the network told to a token controller. Exports only.
/**
 * App and network awareness: `watchLifecycle(tokens, host)` tells the controller when the app is shown or hidden and
 * when the network comes and goes, from `wx`, `uni`, `my`, `tt` or a web `window`.
 *
 * @module painless-token/lifecycle
 */
export { watchLifecycle } from '../lifecycle.ts'
export type { LifecycleTarget } from '../lifecycle.ts'
export type {
  LifecycleHost,
  MiniProgramLifecycleHost,
  WebLifecycleHost,
  LifecycleWindow,
  LifecycleDocument,
  NetworkStatus,
} from '../lifecycle.types.ts'
