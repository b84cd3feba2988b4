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
/** How far past the last valid segment end the fan keeps looking; bounds the work on noisy curves. */
const MAX_LOOKAHEAD = 4096

/**
 * Greedy fan ("corridor") thinning with vertices on input points. From an anchor, the slopes of lines
 * that pass within the tolerance of every frame so far form an interval that narrows frame by frame;
 * a later frame is a valid segment end when the slope to it lies in the interval of the frames
 * between. The furthest valid end (found before the interval empties) becomes the next anchor.
 * Every frame then lies within the tolerance of the polyline; vertices are input points, so they stay
 * inside the lane's range. First and last points are always kept. Input times must be strictly increasing.
 * (Tried: letting vertices float inside the tolerance band ends segments on the band's edge and
 * needed 10-150 % more points on model-like curves.)
 */
export function thinLinear(points: LanePoint[], tolerance: Normalized): LanePoint[] {
  if (points.length <= 2) return points.slice()
  const tol = Math.max(0, tolerance - TOLERANCE_MARGIN)
  const out: LanePoint[] = [points[0]!]
  const n = points.length
  let a = 0
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
 * Thinning for step-held lanes quantised to `levels` steps (127 for 7-bit CC, 16383 for 14-bit).
 * Each event holds one level for as many frames as a single level can serve within the tolerance
 * (the levels allowed by every frame so far form an integer interval; the event starts where it would
 * become empty), choosing the level in the middle of the frames it covers.
 * Throws a RangeError when the tolerance is finer than half a quantisation step.
 */
export function thinHold(points: LanePoint[], tolerance: Normalized, levels: number): HoldPoint[] {
  const halfStep = 0.5 / levels
  if (tolerance < halfStep + TOLERANCE_MARGIN) {
    throw new RangeError(`tolerance ${tolerance} is finer than the controller's resolution (half a step of ${levels} is ${halfStep.toFixed(5)}); raise the tolerance or use 14-bit CC`)
  }
  const tol = tolerance - TOLERANCE_MARGIN
  const lowest = (v: number): number => Math.max(0, Math.ceil((v - tol) * levels))
  const highest = (v: number): number => Math.min(levels, Math.floor((v + tol) * levels))
  const out: HoldPoint[] = []
  let i = 0
  while (i < points.length) {
    let min = points[i]!.v
    let max = min
    let lo = lowest(max)
    let hi = highest(min)
    let j = i + 1
    for (; j < points.length; j++) {
      const v = points[j]!.v
      const nmin = Math.min(min, v)
      const nmax = Math.max(max, v)
      const nlo = lowest(nmax)
      const nhi = highest(nmin)
      if (nlo > nhi) break
      min = nmin
      max = nmax
      lo = nlo
      hi = nhi
    }
    const level = Math.min(hi, Math.max(lo, Math.round(((min + max) / 2) * levels)))
    if (out.length === 0 || out[out.length - 1]!.level !== level) out.push({ t: points[i]!.t, level })
    i = j
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
