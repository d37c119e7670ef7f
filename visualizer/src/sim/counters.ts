// What the page counts. Names are the DOM hooks (`data-counter="<name>"`); rejections count under their
// TokenError code, so `data-counter="REFRESH_FAILED"` is the number of requests rejected with it.
import { TOKEN_ERROR_CODES } from '../../../src/index.ts'

export const COUNTER_NAMES = [
  'requests',
  'answered',
  'parked',
  'released',
  'servedAtOnce',
  'servedAfterWait',
  'replayed',
  'refreshes',
  'fetchAttempts',
  'refreshFailures',
  'sessionsStarted',
  'loginRequired',
  'revocations',
  'networkFailed',
] as const
export type CounterName = (typeof COUNTER_NAMES)[number]

export type Counters = Record<string, number>

export function emptyCounters(): Counters {
  const counters: Counters = {}
  for (const name of [...COUNTER_NAMES, ...TOKEN_ERROR_CODES]) counters[name] = 0
  return counters
}

export const COUNTER_LABELS: Record<string, string> = {
  requests: 'requests',
  answered: 'answered 200',
  parked: 'parked',
  released: 'released',
  servedAtOnce: 'token at once (no wait)',
  servedAfterWait: 'token after waiting',
  replayed: 'replayed after 401',
  refreshes: 'refreshes (cycles)',
  fetchAttempts: 'fetch attempts',
  refreshFailures: 'failed cycles',
  sessionsStarted: 'logins (setGrant)',
  loginRequired: 'onLoginRequired calls',
  revocations: 'revokeToken calls',
  networkFailed: 'failed: network down',
}

export function bump(counters: Counters, name: string, by = 1): void {
  counters[name] = (counters[name] ?? 0) + by
}
