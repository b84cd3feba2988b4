import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { evaluateHold, evaluateLinear, thinHold, thinLinear } from '../../../bridge/export/thinning.js'
import type { LanePoint } from '../../../bridge/export/types.js'

/** Random lanes: strictly increasing times (steps 1 ms .. 2 s), values in 0..1, with jumps, ramps and noise. */
const laneArb = fc
  .array(fc.tuple(fc.double({ min: 0.001, max: 2, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 400 })
  .map((steps) => {
    const points: LanePoint[] = []
    let t = 0
    let v = 0.5
    for (const [dt, r, kind] of steps) {
      t += dt
      if (kind === 0) v = r // jump
      else if (kind === 1) v = Math.min(1, Math.max(0, v + (r - 0.5) * 0.05)) // small drift
      else if (kind === 2) v = Math.min(1, Math.max(0, v + 0.01)) // ramp
      // kind 3: hold
      points.push({ t, v })
    }
    return points
  })

/** A 5-minute lane at 100 frames per second: a slow swell with section jumps and model-like noise. */
function fiveMinuteLane(): LanePoint[] {
  const points: LanePoint[] = []
  let noise = 0
  let seed = 7
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
  for (let i = 0; i < 30_000; i++) {
    const t = i / 100
    noise = 0.98 * noise + 0.02 * (rand() * 2 - 1)
    const section = Math.floor(t / 40) % 2 === 0 ? 0.3 : 0.6
    points.push({ t, v: Math.min(1, Math.max(0, section + 0.2 * Math.sin(t / 15) + 0.15 * noise)) })
  }
  return points
}

describe('thinLinear', () => {
  test('never strays from the curve by more than the tolerance at any input frame', () => {
    fc.assert(
      fc.property(laneArb, fc.double({ min: 0.0005, max: 0.2, noNaN: true }), (points, tol) => {
        const thin = thinLinear(points, tol)
        for (const p of points) expect(Math.abs(evaluateLinear(thin, p.t) - p.v)).toBeLessThanOrEqual(tol)
      }),
      { numRuns: 300 },
    )
  })

  test('keeps the first and last frame and a subset of the input in time order', () => {
    fc.assert(
      fc.property(laneArb, fc.double({ min: 0.001, max: 0.2, noNaN: true }), (points, tol) => {
        const thin = thinLinear(points, tol)
        expect(thin[0]).toEqual(points[0])
        expect(thin[thin.length - 1]).toEqual(points[points.length - 1])
        for (let i = 1; i < thin.length; i++) expect(thin[i]!.t).toBeGreaterThan(thin[i - 1]!.t)
        const input = new Set(points)
        for (const p of thin) expect(input.has(p)).toBe(true)
      }),
      { numRuns: 100 },
    )
  })

  test('a 5-minute lane of 30,000 frames comes out as hundreds of points', () => {
    const lane = fiveMinuteLane()
    const thin = thinLinear(lane, 0.01)
    expect(thin.length).toBeGreaterThanOrEqual(100)
    expect(thin.length).toBeLessThan(1000)
    for (const p of lane) expect(Math.abs(evaluateLinear(thin, p.t) - p.v)).toBeLessThanOrEqual(0.01)
  })

  test('a straight ramp needs only its two ends', () => {
    const ramp = Array.from({ length: 500 }, (_, i) => ({ t: i * 0.5, v: i / 499 }))
    expect(thinLinear(ramp, 0.001)).toEqual([ramp[0], ramp[499]])
  })
})

describe('thinHold', () => {
  test('a CC reader holding each value sees the curve within the tolerance at every frame', () => {
    fc.assert(
      fc.property(laneArb, fc.double({ min: 0.004, max: 0.2, noNaN: true }), fc.constantFrom(127, 16383), (points, tol, levels) => {
        const held = thinHold(points, tol, levels)
        for (const e of held) expect(Number.isInteger(e.level) && e.level >= 0 && e.level <= levels).toBe(true)
        for (const p of points) expect(Math.abs(evaluateHold(held, p.t, levels) - p.v)).toBeLessThanOrEqual(tol)
      }),
      { numRuns: 300 },
    )
  })

  test('refuses a tolerance finer than half a 7-bit step, and accepts it for 14-bit', () => {
    const lane = [{ t: 0, v: 0.2 }, { t: 1, v: 0.7 }]
    expect(() => thinHold(lane, 0.003, 127)).toThrow(/finer than the controller's resolution/)
    expect(thinHold(lane, 0.003, 16383)).toHaveLength(2)
  })

  test('a 5-minute lane of 30,000 frames comes out as hundreds of 7-bit events', () => {
    const lane = fiveMinuteLane()
    const held = thinHold(lane, 0.01, 127)
    expect(held.length).toBeGreaterThanOrEqual(100)
    expect(held.length).toBeLessThan(3000)
  })
})
