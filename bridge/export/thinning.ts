/**
 * Point thinning within a stated tolerance. Two readers, two thinners:
 * - `thinLinear` for lanes a DAW draws as straight ramps between points (DAWproject, RPP, CSV, JSON);
 * - `thinHold` for lanes a DAW holds flat until the next event (MIDI CC), with value quantisation.
 * Both guarantee: evaluating the result the way its reader does, at every input time, lands within
 * `tolerance` of the input value (property-tested in test/bridge/export/thinning.test.ts).
 */
import type { Seconds } from '../analysis/types.js'
import type { LanePoint, Normalized } from './types.js'

/** Slack kept back from the tolerance so float rounding and printed decimals cannot cross it. */
export const TOLERANCE_MARGIN = 1e-6
/** How far past the last accepted point the fan keeps looking; bounds the work on noisy curves. */
const MAX_LOOKAHEAD = 4096

/**
 * Greedy fan ("corridor") thinning with vertices on input points. From an anchor, the slopes of lines
 * that stay within tolerance of every point passed so far form an interval; a later point is a valid
 * segment end when its own slope lies in that interval. The furthest valid end becomes the next anchor.
 * First and last points are always kept. Input times must be strictly increasing.
 */
export function thinLinear(points: LanePoint[], tolerance: Normalized): LanePoint[] {
  if (points.length <= 2) return points.slice()
  const tol = Math.max(0, tolerance - TOLERANCE_MARGIN)
  const out: LanePoint[] = [points[0]!]
  let a = 0
  const n = points.length
  while (a < n - 1) {
    const { t: ta, v: va } = points[a]!
    let lo = -Infinity
    let hi = Infinity
    let best = a + 1
    for (let j = a + 1; j < n && j - best <= MAX_LOOKAHEAD; j++) {
      const dt = points[j]!.t - ta
      const vj = points[j]!.v
      const slope = (vj - va) / dt
      if (slope >= lo && slope <= hi) best = j
      lo = Math.max(lo, (vj - tol - va) / dt)
      hi = Math.min(hi, (vj + tol - va) / dt)
      if (lo > hi) break
    }
    out.push(points[best]!)
    a = best
  }
  return out
}

/** A held controller event: time and quantised level (0..levels). */
export type HoldPoint = { t: Seconds; level: number }

/**
 * Thinning for step-held lanes quantised to `levels` steps (127 for 7-bit CC, 16383 for 14-bit):
 * a new event is written where the curve strays more than the tolerance from the held level.
 * Throws a RangeError when the tolerance is finer than half a quantisation step.
 */
export function thinHold(points: LanePoint[], tolerance: Normalized, levels: number): HoldPoint[] {
  const halfStep = 0.5 / levels
  if (tolerance < halfStep + TOLERANCE_MARGIN) {
    throw new RangeError(`tolerance ${tolerance} is finer than the controller's resolution (half a step of ${levels} is ${halfStep.toFixed(5)}); raise the tolerance or use 14-bit CC`)
  }
  if (points.length === 0) return []
  const tol = tolerance - TOLERANCE_MARGIN
  const quantize = (v: number): number => Math.min(levels, Math.max(0, Math.round(v * levels)))
  const out: HoldPoint[] = [{ t: points[0]!.t, level: quantize(points[0]!.v) }]
  let held = out[0]!.level / levels
  for (let i = 1; i < points.length; i++) {
    const p = points[i]!
    if (Math.abs(p.v - held) > tol) {
      const level = quantize(p.v)
      out.push({ t: p.t, level })
      held = level / levels
    }
  }
  return out
}

/** Index of the last point at or before t (binary search), or -1 when t is before the first. */
function lastAtOrBefore(times: ArrayLike<number>, t: number): number {
  let lo = 0
  let hi = times.length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (times[mid]! <= t) {
      found = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  return found
}

/** The value of a linear-ramp lane at time t (held flat before the first and after the last point). */
export function evaluateLinear(points: LanePoint[], t: Seconds): Normalized {
  if (points.length === 0) throw new RangeError('cannot evaluate an empty lane')
  const i = lastAtOrBefore(points.map((p) => p.t), t)
  if (i < 0) return points[0]!.v
  if (i >= points.length - 1) return points[points.length - 1]!.v
  const a = points[i]!
  const b = points[i + 1]!
  return a.v + ((b.v - a.v) * (t - a.t)) / (b.t - a.t)
}

/** The value of a step-held lane at time t, as a reader of MIDI CC sees it (first value before the first event). */
export function evaluateHold(points: HoldPoint[], t: Seconds, levels: number): Normalized {
  if (points.length === 0) throw new RangeError('cannot evaluate an empty lane')
  const i = lastAtOrBefore(points.map((p) => p.t), t)
  return points[Math.max(0, i)]!.level / levels
}
