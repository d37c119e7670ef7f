// The public API of painless-token: exports only.
/**
 * The root entry: the controller, the errors, storage, the luch-request adapter, signing and the machine.
 *
 * @module painless-token
 */
export { createTokenController } from './controller.ts'
export type { TokenController, GetTokenOptions } from './controller.ts'
export type {
  TokenControllerOptions,
  FetchTokenContext,
  Clock,
  TokenControllerEvent,
  RevokeTokenContext,
  LoginRequiredInfo,
} from './options.ts'
export type { TokenResponse } from './grant.ts'
export type { AbortSignalLike } from './abort.ts'
export {
  TokenError,
  TokenRefreshError,
  WaitTimeoutError,
  QueueFullError,
  AbortedError,
  StoppedError,
  InvalidTokenResponseError,
  FetchTimeoutError,
  InsecureUrlError,
  LoginRequiredError,
  isTokenError,
  TOKEN_ERROR_CODES,
} from './errors.ts'
export type { TokenErrorCode } from './errors.ts'
export { memoryStorage, uniStorage, wxStorage, webStorage } from './storage/index.ts'
export type { TokenStorage, UniStorageApi, WxStorageApi, WebStorageLike } from './storage/index.ts'
export { attachTokenController } from './adapters/luch-request.ts'
export type { LuchRequestAdapterOptions, LuchRequestInstance, LuchRequestConfig, LuchResponse } from './adapters/luch-request.ts'
export type { AuthPolicyOptions } from './adapters/request-path.ts'
export { retryAfterMs } from './retry-after.ts'
export { createSigner, md5Hex, md5Upper, canonicalRequest } from './signer.ts'
export type { SignerOptions, SignAlgorithm, SignableConfig } from './signer.ts'
export { tokenMachine, isFresh } from '../machines/token.machine.ts'
export type { TokenState, RefreshReason, SessionLostReason, TokenContext, TokenEvent, TokenEmitted } from '../machines/token.types.ts'
