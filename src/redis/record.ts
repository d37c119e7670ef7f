// The shared record as stored under `key`: JSON with version, tokens and lifetimeMs. Its Redis TTL is the token's
// remaining time, so readers take `remainingMs` from PTTL and no host clock is compared with another's.
import { sharedRecord } from '../coordination/coordinate.ts'
import type { PublishedGrant, SharedRecord } from '../coordination/types.ts'

/** The JSON a holder hands the publish script (which puts the version first). JSON has no Infinity: null stands for it. */
export function encodeRecord(grant: PublishedGrant): string {
  return JSON.stringify({ accessToken: grant.accessToken, refreshToken: grant.refreshToken, lifetimeMs: finiteOrNull(grant.lifetimeMs) })
}

/** PX for the record: whole ms, at least 1 (a token already spent expires at once); '' when it never expires by time. */
export function ttlArgument(remainingMs: number): string {
  return remainingMs === Infinity ? '' : String(Math.max(1, Math.ceil(remainingMs)))
}

/** A stored record and its PTTL (-1: no TTL, never expires by time), or null when absent or not a record of ours. */
export function decodeRecord(raw: unknown, pttl: unknown): SharedRecord | null {
  if (typeof raw !== 'string' || raw === '' || Number(pttl) === -2) return null
  let fields: { version?: unknown; accessToken?: unknown; refreshToken?: unknown; lifetimeMs?: unknown }
  try {
    fields = JSON.parse(raw) as typeof fields
  } catch {
    return null
  }
  const { version, accessToken, refreshToken, lifetimeMs } = fields
  if (typeof version !== 'number' || typeof accessToken !== 'string') return null
  return sharedRecord({
    version,
    accessToken,
    refreshToken: typeof refreshToken === 'string' ? refreshToken : undefined,
    remainingMs: Number(pttl) === -1 ? Infinity : Math.max(0, Number(pttl)),
    lifetimeMs: typeof lifetimeMs === 'number' ? lifetimeMs : Infinity,
  })
}

function finiteOrNull(ms: number): number | null {
  return ms === Infinity ? null : ms
}
