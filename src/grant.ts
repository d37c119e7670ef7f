// Token responses in, grants out. `expires_in` is seconds (RFC 6749 §5.1), counted from when the
// response arrived; from here on every expiry is epoch ms. Seconds never leave this file.
import type { Grant } from '../machines/token.types.ts'
import { InvalidTokenResponseError } from './errors.ts'

/**
 * What `fetchToken` may resolve with: camelCase, or the snake_case most OAuth servers send.
 *
 * @example
 * fetchToken: async () => ({ accessToken: 'eyJ…', expiresIn: 7200 })           // seconds, counted from arrival
 * fetchToken: async () => ({ access_token: 'eyJ…', expires_in: '7200', refresh_token: 'r1' }) // snake_case works too
 * fetchToken: async () => ({ accessToken: 'eyJ…', expiresAt: Date.parse(body.expiry) })  // absolute epoch ms
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

/** Turns a token response into a grant, or says what is wrong with it (never quoting a token). */
export function parseTokenResponse(response: unknown, receivedAt: number): Grant | InvalidTokenResponseError {
  if (typeof response !== 'object' || response === null) {
    return new InvalidTokenResponseError(`expected an object, got ${response === null ? 'null' : typeof response}`)
  }
  const body = response as TokenResponse
  const accessToken = body.accessToken ?? body.access_token
  if (typeof accessToken !== 'string' || accessToken === '') {
    return new InvalidTokenResponseError('no string accessToken / access_token')
  }
  const expiresAt = expiryOf(body, receivedAt)
  if (expiresAt === undefined) {
    return new InvalidTokenResponseError('no usable expiry (expiresIn / expires_in seconds, or expiresAt epoch ms)')
  }
  if (expiresAt <= receivedAt) return new InvalidTokenResponseError('the expiry is already in the past')
  const refreshToken = body.refreshToken ?? body.refresh_token
  if (refreshToken !== undefined && (typeof refreshToken !== 'string' || refreshToken === '')) {
    return new InvalidTokenResponseError('refreshToken / refresh_token is not a non-empty string')
  }
  return createGrant(accessToken, expiresAt, refreshToken)
}

function expiryOf(body: TokenResponse, receivedAt: number): number | undefined {
  if (typeof body.expiresAt === 'number' && isFinite(body.expiresAt)) return body.expiresAt
  const seconds = secondsOf(body.expiresIn ?? body.expires_in)
  return seconds === undefined ? undefined : receivedAt + seconds * 1000
}

function secondsOf(value: unknown): number | undefined {
  if (typeof value === 'number') return isFinite(value) ? value : undefined
  // Some servers send "7200": accept a plain decimal string, nothing looser.
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value)
  return undefined
}

/** The stored form: the JSON string `{ accessToken, expiresAt, refreshToken? }`. */
export function serializeGrant(token: { accessToken: string; expiresAt: number; refreshToken: string | null }): string {
  const stored: { accessToken: string; expiresAt: number; refreshToken?: string } = {
    accessToken: token.accessToken,
    expiresAt: token.expiresAt,
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
  if (typeof stored.expiresAt !== 'number' || !isFinite(stored.expiresAt)) return { kind: 'foreign' }
  if (stored.refreshToken !== undefined && (typeof stored.refreshToken !== 'string' || stored.refreshToken === '')) {
    return { kind: 'foreign' }
  }
  return { kind: 'grant', grant: createGrant(stored.accessToken, stored.expiresAt, stored.refreshToken) }
}
