import { describe, expect, test } from 'vitest'
import { distribution, drift, percentile, ratio, slope } from '../../bench/stats.js'

describe('percentile', () => {
  test('interpolates between closest ranks as numpy does', () => {
    const xs = [15, 20, 35, 40, 50]
    expect(percentile(xs, 0)).toBe(15)
    expect(percentile(xs, 50)).toBe(35)
    expect(percentile(xs, 100)).toBe(50)
    // rank 0.95 * 4 = 3.8: 40 + 0.8 * 10
    expect(percentile(xs, 95)).toBeCloseTo(48, 10)
  })
  test('ignores order and non-finite values', () => {
    expect(percentile([3, NaN, 1, 2, Infinity], 50)).toBe(2)
  })
  test('is null for no values and refuses a percentile outside [0, 100]', () => {
    expect(percentile([], 50)).toBeNull()
    expect(() => percentile([1], 101)).toThrow(/percentile must be in \[0, 100\], got 101/)
  })
  test('p99 of 1..100 sits just below the largest value', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(xs, 99)).toBeCloseTo(99.01, 10)
    expect(distribution(xs).p95).toBe(95.1)
  })
})

describe('slope and drift', () => {
  test('slope of a line is its gradient', () => {
    expect(slope([0, 1, 2, 3], [1, 3, 5, 7])).toBeCloseTo(2, 10)
    expect(slope([1, 1], [1, 2])).toBeNull()
  })
  test('a flat series shows no change; a series that doubles shows +100 %', () => {
    const xs = Array.from({ length: 50 }, (_, i) => i)
    expect(drift(xs, xs.map(() => 200)).change).toBe(0)
    const growing = drift(xs, xs.map((x) => (x < 5 ? 100 : x >= 45 ? 200 : 150)))
    expect(growing.first).toBe(100)
    expect(growing.last).toBe(200)
    expect(growing.change).toBeCloseTo(1, 10)
  })
  test('ratio is null for a missing or zero baseline', () => {
    expect(ratio(10, 4)).toBe(2.5)
    expect(ratio(10, 0)).toBeNull()
    expect(ratio(null, 3)).toBeNull()
  })
})

describe('drift of a heavy-tailed series', () => {
  test('by median, one huge outlier in the last tenth does not read as drift', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i)
    const ys = xs.map((x) => (x === 95 ? 100_000 : 10))
    expect(drift(xs, ys, 'median').change).toBe(0)
    expect(drift(xs, ys).change).toBeGreaterThan(100)
  })
})
