// How many runs and which seed each property uses: PROPERTY_RUNS (default 1,000) and PROPERTY_SEED
// (default: a fresh one). The seed is printed before a property runs, so any failure can be replayed.
import fc from 'fast-check'

const DEFAULT_RUNS = 1_000

/** Runs per property: `PROPERTY_RUNS`, else 1,000. Stryker may lower it through the same variable. */
export function propertyRuns(): number {
  const raw = process.env.PROPERTY_RUNS
  if (raw === undefined || raw === '') return DEFAULT_RUNS
  const runs = Number(raw)
  if (!Number.isInteger(runs) || runs < 1) throw new TypeError(`PROPERTY_RUNS must be a positive integer, got ${raw}`)
  return runs
}

/** `PROPERTY_SEED` if set (to replay a run), else a new 32-bit seed. */
export function propertySeed(): number {
  const raw = process.env.PROPERTY_SEED
  if (raw !== undefined && raw !== '') {
    const seed = Number(raw)
    if (!Number.isInteger(seed)) throw new TypeError(`PROPERTY_SEED must be an integer, got ${raw}`)
    return seed
  }
  return (Date.now() ^ Math.floor(Math.random() * 0x1_0000_0000)) | 0
}

/**
 * fast-check parameters for one property, with its seed printed first: a failure report repeats
 * the seed and adds the path, and `{ seed, path }` goes into regressions.property.test.ts.
 */
export function propertyParameters<T>(name: string): fc.Parameters<T> {
  const numRuns = propertyRuns()
  const seed = propertySeed()
  console.log(`[property] ${name}: seed=${seed} runs=${numRuns}`)
  return { numRuns, seed }
}

/** Test timeout for a property: generous per run, so a soak of 100,000 runs is not cut short. */
export function propertyTimeoutMs(msPerRun = 20): number {
  return Math.max(60_000, propertyRuns() * msPerRun)
}
