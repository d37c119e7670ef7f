// The token server's sessions: the refresh tokens it issued through POST /login, rotated on every refresh_token
// grant, forgotten by POST /revoke or all at once by revokeSessions(). Refresh tokens never expire by time here.
import { randomBytes } from 'node:crypto'

export type Account = { username: string; password: string }

/** The account POST /login accepts unless the server is given another. */
export const DEMO_ACCOUNT: Account = { username: 'demo', password: 'demo-password' }

export interface Sessions {
  /** A new live refresh token. */
  open(): string
  /** The live token's successor (the token itself dies), or undefined for an unknown, rotated or revoked one. */
  rotate(refreshToken: string | undefined): string | undefined
  /** Forgets a live token; an unknown one is ignored. */
  revoke(refreshToken: string | undefined): void
  revokeAll(): void
  live(): number
  /** Live tokens revoke() forgot. */
  revoked(): number
  grants(): { rotated: number; refused: number }
}

export function createSessions(): Sessions {
  const live = new Set<string>()
  const newToken = () => randomBytes(24).toString('base64url')
  let revoked = 0
  const grants = { rotated: 0, refused: 0 }
  return {
    open() {
      const token = newToken()
      live.add(token)
      return token
    },
    rotate(refreshToken) {
      if (refreshToken === undefined || !live.delete(refreshToken)) {
        grants.refused++
        return undefined
      }
      grants.rotated++
      const next = newToken()
      live.add(next)
      return next
    },
    revoke(refreshToken) {
      if (refreshToken !== undefined && live.delete(refreshToken)) revoked++
    },
    revokeAll: () => live.clear(),
    live: () => live.size,
    revoked: () => revoked,
    grants: () => ({ ...grants }),
  }
}

/** A request body's string fields: JSON when the content type says so, else a urlencoded form. */
export function formOrJson(body: string, contentType: string | undefined): Record<string, string | undefined> {
  if (/json/i.test(contentType ?? '')) {
    try {
      const parsed: unknown = JSON.parse(body)
      if (parsed === null || typeof parsed !== 'object') return {}
      return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
    } catch {
      return {}
    }
  }
  return Object.fromEntries(new URLSearchParams(body))
}
