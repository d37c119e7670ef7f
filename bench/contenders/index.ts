// The contenders in table order, plus the A/A twin of the baseline that measures the noise floor.
import { alovaTokenAuth } from './alova.ts'
import { axiosAuthRefresh } from './axios-auth-refresh.ts'
import { baselineContender } from './baseline.ts'
import { getTokenAlone } from './get-token.ts'
import { luchFloor } from './luch-floor.ts'
import { painlessToken, painlessTokenNoAhead } from './painless-token.ts'
import { seedFixed } from './seed-fixed.ts'
import { seedAsPublished } from './seed.ts'
import type { Contender } from './types.ts'

export const baseline = baselineContender()
/** The same code as the baseline under another name: its ratio to the baseline is pure noise. */
export const baselineTwin = baselineContender('baseline-aa', 'A/A: baseline vs itself')

/** Contenders that refresh tokens, in table order. */
export const refreshers: Contender[] = [seedAsPublished, seedFixed, axiosAuthRefresh, alovaTokenAuth, painlessToken, getTokenAlone]

/** In A and B: the baseline, its A/A twin, the floor of any luch-request interceptor, then the refreshers. */
export const allContenders: Contender[] = [baseline, baselineTwin, luchFloor, ...refreshers]

/**
 * In E (routine expiries): the baseline and its A/A twin, painless-token with refresh-ahead off and at its default,
 * then the peers. No floor (it never refreshes a token it holds) and no `getToken()` alone (E measures requests).
 */
export const expiryContenders: Contender[] = [
  baseline,
  baselineTwin,
  painlessTokenNoAhead,
  painlessToken,
  seedAsPublished,
  seedFixed,
  axiosAuthRefresh,
  alovaTokenAuth,
]

export function contenderById(id: string): Contender {
  const found = allContenders.find((c) => c.id === id)
  if (!found) throw new Error(`unknown contender ${id}`)
  return found
}

export type { Contender, ContenderInstance, ContenderSetup, StartToken } from './types.ts'
