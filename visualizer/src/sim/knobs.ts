// The simulator's knobs, their ranges and defaults. Also read from the URL (`?failureRate=1&speed=100`),
// so a link or a test can open the page in a given scenario.
export interface Knobs {
  /** Requests per simulated second, 0 to 2,000. */
  rate: number
  ttlMs: number
  leewayMs: number
  /** `refreshAheadMs`: how long before expiry a background refresh starts (the soft window's bound); 0: never ahead. */
  refreshAheadMs: number
  /** Token endpoint latency, simulated ms. */
  latencyMs: number
  /** 0..1: the token endpoint answers 500. */
  failureRate: number
  /** 0..1: the token endpoint answers 429 with Retry-After. */
  tooManyRate: number
  /** 0..1: requests whose caller aborts the wait. */
  abortRate: number
  waitTimeoutMs: number
  retryAttempts: number
  retryBaseDelayMs: number
  /** `retry.cooldownMs`: after a failed cycle, requests are refused at once for this long. */
  cooldownMs: number
  /** Simulated ms per real ms. */
  speed: number
}

export interface KnobSpec {
  name: keyof Knobs
  label: string
  min: number
  max: number
  step: number
  /** Changing it needs a new controller (it is a controller option). */
  restarts: boolean
  unit: string
  /** Offered as a choice of these values instead of a slider. */
  choices?: number[]
}

export const KNOB_SPECS: KnobSpec[] = [
  { name: 'rate', label: 'request rate', min: 0, max: 2000, step: 10, restarts: false, unit: '/s' },
  { name: 'ttlMs', label: 'token TTL', min: 1000, max: 120_000, step: 1000, restarts: false, unit: 'ms' },
  { name: 'leewayMs', label: 'leeway', min: 0, max: 30_000, step: 500, restarts: true, unit: 'ms' },
  // Up to half the TTL knob's maximum: the soft window is at most half a token's lifetime anyway.
  { name: 'refreshAheadMs', label: 'refresh ahead', min: 0, max: 60_000, step: 500, restarts: true, unit: 'ms' },
  { name: 'latencyMs', label: 'token latency', min: 0, max: 5000, step: 50, restarts: false, unit: 'ms' },
  { name: 'failureRate', label: 'failure probability', min: 0, max: 1, step: 0.05, restarts: false, unit: '' },
  { name: 'tooManyRate', label: '429 probability', min: 0, max: 1, step: 0.05, restarts: false, unit: '' },
  { name: 'abortRate', label: 'abort ratio', min: 0, max: 1, step: 0.05, restarts: false, unit: '' },
  { name: 'waitTimeoutMs', label: 'waitTimeoutMs', min: 100, max: 60_000, step: 100, restarts: true, unit: 'ms' },
  { name: 'retryAttempts', label: 'retry attempts', min: 1, max: 10, step: 1, restarts: true, unit: '' },
  { name: 'retryBaseDelayMs', label: 'retry base delay', min: 0, max: 5000, step: 50, restarts: true, unit: 'ms' },
  { name: 'cooldownMs', label: 'cool-down after failure', min: 0, max: 30_000, step: 500, restarts: true, unit: 'ms' },
  { name: 'speed', label: 'speed', min: 1, max: 100, step: 1, restarts: false, unit: 'x', choices: [1, 10, 100] },
]

export const DEFAULT_KNOBS: Knobs = {
  rate: 50,
  ttlMs: 10_000,
  leewayMs: 2_000,
  // The library's 5 minutes against a 2-hour token would be a sliver of a 10 s one; half the default TTL shows
  // the soft window (5 s → 2 s before expiry) beside the hard one (the 2 s leeway).
  refreshAheadMs: 5_000,
  latencyMs: 300,
  failureRate: 0,
  tooManyRate: 0,
  abortRate: 0,
  waitTimeoutMs: 5_000,
  retryAttempts: 3,
  retryBaseDelayMs: 300,
  cooldownMs: 0,
  speed: 10,
}

/** Knobs from URL parameters; values out of range are clamped to it, unknown names ignored. */
export function knobsFromQuery(search: string): Knobs {
  const params = new URLSearchParams(search)
  const knobs = { ...DEFAULT_KNOBS }
  for (const spec of KNOB_SPECS) {
    const raw = params.get(spec.name)
    if (raw === null || raw.trim() === '' || !Number.isFinite(Number(raw))) continue
    knobs[spec.name] = Math.min(spec.max, Math.max(spec.min, Number(raw)))
  }
  return knobs
}
