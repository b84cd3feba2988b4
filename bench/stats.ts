/** Small statistics for the bench: percentiles, least-squares slope, first vs last decile of a series. */

/** The p-th percentile (p in [0, 100]) by linear interpolation between closest ranks (numpy's default); null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`)
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  if (xs.length === 0) return null
  const rank = (p / 100) * (xs.length - 1)
  const lo = Math.floor(rank)
  const hi = Math.ceil(rank)
  return xs[lo]! + (xs[hi]! - xs[lo]!) * (rank - lo)
}

/** Arithmetic mean; null for no values. */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null
  return values.reduce((s, v) => s + v, 0) / values.length
}

/** Median (50th percentile). */
export const median = (values: readonly number[]): number | null => percentile(values, 50)

/** p50/p95/p99/max and count of a sample, rounded to `digits`. */
export type Distribution = { count: number; p50: number | null; p95: number | null; p99: number | null; max: number | null; mean: number | null }

/** Summarises a sample as a Distribution. */
export function distribution(values: readonly number[], digits = 1): Distribution {
  const r = (v: number | null): number | null => (v === null ? null : round(v, digits))
  return {
    count: values.length,
    p50: r(percentile(values, 50)),
    p95: r(percentile(values, 95)),
    p99: r(percentile(values, 99)),
    max: r(values.length ? Math.max(...values) : null),
    mean: r(mean(values)),
  }
}

/** Least-squares slope of y over x (units of y per unit of x); null with fewer than 2 distinct x. */
export function slope(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length) throw new RangeError(`slope needs as many x as y, got ${xs.length} and ${ys.length}`)
  const n = xs.length
  if (n < 2) return null
  const mx = mean(xs)!
  const my = mean(ys)!
  let sxy = 0
  let sxx = 0
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my)
    sxx += (xs[i]! - mx) ** 2
  }
  return sxx === 0 ? null : sxy / sxx
}

/** How a series drifts: mean of its first and last tenth (at least one sample each), their ratio, and the fitted slope. */
export type Drift = {
  first: number | null
  last: number | null
  /** last / first - 1 (0.05 = 5 % higher at the end) */
  change: number | null
  /** Least-squares slope, units of the series per unit of x. */
  slope: number | null
}

/** Compares the first and last decile of a series sampled at x, by their mean (smooth series such as RSS) or median (heavy-tailed ones such as latency). */
export function drift(xs: readonly number[], ys: readonly number[], centre: 'mean' | 'median' = 'mean'): Drift {
  const n = ys.length
  if (n === 0) return { first: null, last: null, change: null, slope: null }
  const k = Math.max(1, Math.floor(n / 10))
  const middle = centre === 'mean' ? mean : median
  const first = middle(ys.slice(0, k))!
  const last = middle(ys.slice(n - k))!
  return { first, last, change: first === 0 ? null : last / first - 1, slope: slope(xs, ys) }
}

/** Rounds to `digits` decimals. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** a / b, null when either is missing or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined, digits = 2): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return null
  return round(a / b, digits)
}
