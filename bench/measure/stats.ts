// Small statistics over per-round samples: medians, spreads, ratios and the growth exponent.

export function median(values: readonly number[]): number {
  return quantile(values, 0.5)
}

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const at = (sorted.length - 1) * q
  const low = Math.floor(at)
  const high = Math.ceil(at)
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low)
}

export interface Spread {
  median: number
  min: number
  max: number
  n: number
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length }
}

/**
 * How total time grows with N: t ∝ N^k, k = log(t2/t1) / log(n2/n1). 1.00 means the time per request
 * stays flat; 2 is quadratic.
 */
export function growthExponent(n1: number, t1: number, n2: number, t2: number): number {
  return Math.log(t2 / t1) / Math.log(n2 / n1)
}
