// What every HTTP adapter decides the same way: opt-out, the https rule, how the header looks,
// and when an answer means "unauthorized". Adapters only map their client's shapes onto this.
import { InsecureUrlError } from '../errors.ts'

export interface AuthPolicyOptions {
  /** Header that carries the token. Default `'Authorization'`. */
  header?: string
  /** Header value for a token. Default `token => 'Bearer ' + token`. */
  format?: (token: string) => string
  /**
   * Refuse `http://` URLs with `INSECURE_URL` before sending (mini-programs only allow https).
   * Default: on, except for localhost / 127.0.0.1 / [::1] during development. `true` refuses those too.
   */
  requireHttps?: boolean
  /** Replays per request after an unauthorized answer. Default 1. */
  maxReplays?: number
}

export interface AuthPolicy {
  header: string
  format: (token: string) => string
  maxReplays: number
  /** Throws `INSECURE_URL` for a plain-http URL the policy refuses. */
  checkUrl(url: string): void
}

const LOOPBACK_HOST = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?([/?#]|$)/i

export function createAuthPolicy(options: AuthPolicyOptions = {}): AuthPolicy {
  const maxReplays = options.maxReplays ?? 1
  if (!Number.isInteger(maxReplays) || maxReplays < 0) throw new TypeError('maxReplays must be an integer of at least 0')
  if (options.format !== undefined && typeof options.format !== 'function') throw new TypeError('format must be a function')
  const requireHttps = options.requireHttps
  return {
    header: options.header ?? 'Authorization',
    format: options.format ?? ((token) => 'Bearer ' + token),
    maxReplays,
    checkUrl(url) {
      if (requireHttps === false || !/^http:\/\//i.test(url)) return
      if (requireHttps === undefined && LOOPBACK_HOST.test(url)) return
      throw new InsecureUrlError(originOf(url))
    },
  }
}

/** Joins `baseURL` and `url` the way luch-request and axios do. */
export function joinUrl(baseURL: string | undefined, url: string | undefined): string {
  const requested = url ?? ''
  if (!baseURL || /^([a-z][a-z\d+\-.]*:)?\/\//i.test(requested)) return requested
  return requested ? baseURL.replace(/\/+$/, '') + '/' + requested.replace(/^\/+/, '') : baseURL
}

function originOf(url: string): string {
  const match = /^[a-z][a-z\d+\-.]*:\/\/[^/?#]*/i.exec(url)
  return match ? match[0] : url
}

/**
 * A 429's Retry-After in ms (delta-seconds or an HTTP date), for `fetchToken` errors: the machine
 * waits that long before the next attempt instead of its own backoff. Undefined when absent or unreadable.
 */
export function retryAfterMs(value: unknown, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value
  if (typeof text !== 'string' && typeof text !== 'number') return undefined
  const trimmed = String(text).trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return isNaN(date) ? undefined : Math.max(0, date - now)
}
