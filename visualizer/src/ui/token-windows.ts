// Where the held token's two windows lie, for the timeline's bar: the soft window (handed out while one refresh
// runs in the background) and the hard one (the leeway: requests wait), computed by the machine's own rules.
import { leewayOf, softWindowOf } from '../../../machines/token.machine.ts'
import type { TokenContext } from '../../../machines/token.types.ts'

export type WindowsInput = Pick<TokenContext, 'expiresAt' | 'receivedAt' | 'leewayMs' | 'refreshAheadMs' | 'generation'> & {
  accessToken: unknown
}

/** Epoch ms: the token's life from `from` to `expiresAt`, the soft window from `softStart`, the hard from `hardStart`. */
export interface TokenWindows {
  generation: number
  from: number
  softStart: number
  hardStart: number
  expiresAt: number
}

/** The held token's windows; undefined when none is held. A token of unknown age is drawn from its soft window on. */
export function tokenWindows(context: WindowsInput): TokenWindows | undefined {
  if (context.accessToken === null || context.expiresAt === 0) return undefined
  const softStart = context.expiresAt - softWindowOf(context)
  const hardStart = context.expiresAt - leewayOf(context)
  const from = context.receivedAt ?? softStart - (context.expiresAt - softStart)
  return { generation: context.generation, from: Math.min(from, softStart), softStart, hardStart, expiresAt: context.expiresAt }
}

export interface Band {
  name: 'fresh' | 'soft' | 'hard'
  /** Percent of the bar. */
  left: number
  width: number
  /** How long before expiry the band begins, ms. */
  beforeExpiryMs: number
}

/** The bar: three bands end to end over the token's life, and where `now` is (percent, clamped to the bar). */
export function bandLayout(windows: TokenWindows, now: number): { bands: Band[]; now: number } {
  const span = Math.max(1, windows.expiresAt - windows.from)
  const at = (t: number) => ((t - windows.from) / span) * 100
  const band = (name: Band['name'], start: number, end: number): Band => ({
    name,
    left: at(start),
    width: at(end) - at(start),
    beforeExpiryMs: windows.expiresAt - start,
  })
  return {
    bands: [
      band('fresh', windows.from, windows.softStart),
      band('soft', windows.softStart, windows.hardStart),
      band('hard', windows.hardStart, windows.expiresAt),
    ],
    now: Math.min(100, Math.max(0, at(now))),
  }
}
