// Token responses in, grants out. `expires_in` is seconds (RFC 6749 §5.1), counted from when the
// response arrived; from here on every expiry is epoch ms. Seconds never leave this file. A response that states no
// expiry at all takes its access token's JWT `exp`, else the `defaultLifetimeMs` option, which may be Infinity: such
// a grant expires never by time (only a 401 or `refresh()` replaces it), and is stored with `expiresAt: null`.
import type { Grant } from '../machines/token.types.ts'
import { InvalidTokenResponseError } from './errors.ts'
import { jwtExpiresAt } from './jwt.ts'

/**
 * What `fetchToken` may resolve with: camelCase, or the snake_case most OAuth servers send. With no expiry stated
 * (all three missing or `null`), a JWT access token's `exp` is the expiry, else the `defaultLifetimeMs` option.
 *
 * @example
 * fetchToken: async () => ({ accessToken: 'eyJ…', expiresIn: 7200 })           // seconds, counted from arrival
 * fetchToken: async () => ({ access_token: 'eyJ…', expires_in: '7200', refresh_token: 'r1' }) // snake_case works too
 * fetchToken: async () => ({ accessToken: 'eyJ…', expiresAt: Date.parse(body.expiry) })  // absolute epoch ms
 * fetchToken: async () => ({ accessToken: body.token })     // a JWT's exp, else defaultLifetimeMs (else refused)
 */
export interface TokenResponse {
  accessToken?: string
  /** Seconds from now. A numeric string is accepted. */
  expiresIn?: number | string
  /** Absolute, epoch ms. Wins over `expiresIn`. */
  expiresAt?: number
  refreshToken?: string
  access_token?: string
  expires_in?: number | string
  refresh_token?: string
}

/** A grant whose secrets are non-enumerable: logging, JSON or an inspector cannot print them. */
export function createGrant(accessToken: string, expiresAt: number, refreshToken?: string): Grant {
  const grant = { expiresAt } as { expiresAt: number }
  Object.defineProperty(grant, 'accessToken', { value: accessToken, enumerable: false })
  if (refreshToken !== undefined) Object.defineProperty(grant, 'refreshToken', { value: refreshToken, enumerable: false })
  return grant as Grant
}

/**
 * Turns a token response into a grant, or says what is wrong with it (never quoting a token). `defaultLifetimeMs`
 * (the option; Infinity allowed) is the lifetime of a grant that states no expiry and is no JWT with an `exp`.
 */
export function parseTokenResponse(response: unknown, receivedAt: number, defaultLifetimeMs?: number): Grant | InvalidTokenResponseError {
  if (typeof response !== 'object' || response === null) {
    return new InvalidTokenResponseError(`expected an object, got ${response === null ? 'null' : typeof response}`)
  }
  const body = response as TokenResponse
  const accessToken = body.accessToken ?? body.access_token
  if (typeof accessToken !== 'string' || accessToken === '') {
    return new InvalidTokenResponseError('no string accessToken / access_token')
  }
  let expiresAt = statedExpiry(body, receivedAt)
  if (expiresAt === undefined) {
    return new InvalidTokenResponseError('no usable expiry (expiresIn / expires_in seconds, or expiresAt epoch ms)')
  }
  if (expiresAt === null) {
    const exp = jwtExpiresAt(accessToken)
    if (exp === undefined && defaultLifetimeMs === undefined) {
      return new InvalidTokenResponseError('no expiry stated, no JWT exp, no defaultLifetimeMs option')
    }
    expiresAt = exp ?? receivedAt + (defaultLifetimeMs as number)
  }
  // A JWT already expired on arrival is refused like any past expiry, not stored stale (every request would start
  // a refresh). An absolute expiry is read against the device clock: one running ahead of the server's shows here.
  if (expiresAt <= receivedAt) return new InvalidTokenResponseError('the expiry is already in the past (is the device clock right?)')
  const refreshToken = body.refreshToken ?? body.refresh_token
  if (refreshToken !== undefined && (typeof refreshToken !== 'string' || refreshToken === '')) {
    return new InvalidTokenResponseError('refreshToken / refresh_token is not a non-empty string')
  }
  return createGrant(accessToken, expiresAt, refreshToken)
}

/** The expiry the response states: epoch ms; `undefined` when one is stated but unusable; `null` when none is. */
function statedExpiry(body: TokenResponse, receivedAt: number): number | undefined | null {
  if (typeof body.expiresAt === 'number' && isFinite(body.expiresAt)) return body.expiresAt
  const stated = body.expiresIn ?? body.expires_in
  const seconds = secondsOf(stated)
  if (seconds !== undefined) return receivedAt + seconds * 1000
  // Missing and null alike (Java back ends serialise absent fields as null) mean "not stated"; anything else
  // stated is a server bug to report, not a token without expiry.
  return (stated ?? body.expiresAt) == null ? null : undefined
}

function secondsOf(value: unknown): number | undefined {
  if (typeof value === 'number') return isFinite(value) ? value : undefined
  // Some servers send "7200": accept a plain decimal string, nothing looser.
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value)
  return undefined
}

/**
 * The stored form: the JSON string `{ accessToken, expiresAt, refreshToken? }`. JSON has no Infinity: a grant that
 * never expires is stored with `expiresAt: null` (what JSON.stringify would write anyway), and read back as Infinity.
 */
export function serializeGrant(token: { accessToken: string; expiresAt: number; refreshToken: string | null }): string {
  const stored: { accessToken: string; expiresAt: number | null; refreshToken?: string } = {
    accessToken: token.accessToken,
    expiresAt: token.expiresAt === Infinity ? null : token.expiresAt,
  }
  if (token.refreshToken !== null) stored.refreshToken = token.refreshToken
  return JSON.stringify(stored)
}

export type StoredToken = { kind: 'absent' } | { kind: 'foreign' } | { kind: 'grant'; grant: Grant }

/**
 * Reads what storage held. Keys it does not know are ignored: another version of the app (or a newer tab) may
 * store more, and must not log this one out. Only what cannot be read as a grant is foreign: the caller removes it.
 */
export function parseStoredToken(raw: unknown): StoredToken {
  // uni and wx answer '' for a missing key, localStorage null, a Map undefined.
  if (raw === undefined || raw === null || raw === '') return { kind: 'absent' }
  if (typeof raw !== 'string') return { kind: 'foreign' }
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return { kind: 'foreign' }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'foreign' }
  const stored = value as { accessToken?: unknown; expiresAt?: unknown; refreshToken?: unknown }
  if (typeof stored.accessToken !== 'string' || stored.accessToken === '') return { kind: 'foreign' }
  // null: a grant that never expires (see serializeGrant). A missing expiresAt is foreign, not "never".
  if (stored.expiresAt !== null && !(typeof stored.expiresAt === 'number' && isFinite(stored.expiresAt))) return { kind: 'foreign' }
  if (stored.refreshToken !== undefined && (typeof stored.refreshToken !== 'string' || stored.refreshToken === '')) {
    return { kind: 'foreign' }
  }
  return {
    kind: 'grant',
    grant: createGrant(stored.accessToken, stored.expiresAt === null ? Infinity : (stored.expiresAt as number), stored.refreshToken),
  }
}
