/**
 * A realistic shaped mapping for the file round trips (.mid, .dawproject, .RPP), and the value each of
 * its lanes should have at every analysed frame, computed here from the frame values with the
 * documented formulas (docs/automation.md, bridge/export/types.ts), never with the writers' lane code.
 */
import { expect } from 'vitest'
import type { Analysis, Frame } from '../../../bridge/analysis/types.js'
import type { LaneSpec, Mapping } from '../../../bridge/export/index.js'

/** Five lanes on CC 20-24 (14-bit capable), channel 4: invert, range, both response curves, smoothing, a lyric polarity and the conflict score. */
export const shapedMapping = {
  name: 'shaped',
  tolerance: 0.01,
  lanes: [
    // darker as valence rises: inverted into a sub-range (off-centre, so inverting after scaling would show)
    { name: 'Dark pad', curve: 'fused.valence', target: { cc: 20, channel: 4 }, range: [0.25, 0.8], invert: true },
    // slow start: calm passages stay dark
    { name: 'Filter', curve: 'fused.arousal', target: { cc: 21, channel: 4 }, range: [0.1, 0.95], response: 'exponential', curvature: 2.5, reaper: 'volume' },
    // pushes away from the middle, smoothed over 2 s, with a finer tolerance of its own
    { name: 'Width', curve: 'audio.valence', target: { cc: 22, channel: 4 }, response: 's-curve', curvature: 6, smoothing: 2, tolerance: 0.006, reaper: 'width' },
    // a polarity probability of the lyrics head: held over the unsung stretches
    { name: 'Sorrow', curve: 'lyrics.negative', target: { cc: 23, channel: 4 }, range: [0.05, 0.9], reaper: 'pan' },
    // the conflict score, a step where the bridge starts, softened by 1 s of smoothing
    { name: 'Clash', curve: 'conflict', target: { cc: 24, channel: 4 }, range: [0, 0.6], smoothing: 1 },
  ],
} as Mapping

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x))

/** The curve's value at one frame in 0..1 (valence and arousal from [-1, 1]), or null where the lyrics head is silent. */
function rawValue(curve: LaneSpec['curve'], f: Frame, analysis: Analysis): number | null {
  if (curve === 'conflict') {
    const scores = analysis.conflicts.filter((c) => c.start <= f.t && f.t < c.end).map((c) => c.score)
    return clamp01(Math.max(0, ...scores))
  }
  const [head, quantity] = curve.split('.')
  const reading = head === 'fused' ? f : head === 'audio' ? f.audio : f.lyrics
  if (!reading) return null
  const polarity = { negative: 0, neutral: 1, positive: 2 } as Record<string, number>
  if (quantity === 'valence' || quantity === 'arousal') return clamp01((reading[quantity] + 1) / 2)
  if (quantity === 'confidence') return clamp01(reading.confidence)
  return clamp01(reading.polarity[polarity[quantity!]!]!)
}

/** One-pole low-pass over irregular times, y += (1 - e^(-dt/tau)) (x - y), run forward then backward (no lag). */
function zeroPhase(times: number[], xs: number[], tau: number): number[] {
  if (tau <= 0) return xs
  const pass = (order: number[], input: number[]): number[] => {
    const out = input.slice()
    let y = input[order[0]!]!
    let prev = times[order[0]!]!
    for (const i of order) {
      y += (1 - Math.exp(-Math.abs(times[i]! - prev) / tau)) * (input[i]! - y)
      out[i] = y
      prev = times[i]!
    }
    return out
  }
  const forward = times.map((_, i) => i)
  return pass([...forward].reverse(), pass(forward, xs))
}

/** The documented response curves: exponential (e^(k x) - 1) / (e^k - 1); S-curve a logistic of steepness k through (0, 0) and (1, 1). */
function respond(x: number, response: LaneSpec['response'], k: number): number {
  if (response === 'exponential') return (Math.exp(k * x) - 1) / (Math.exp(k) - 1)
  if (response === 's-curve') {
    const s = (u: number): number => 1 / (1 + Math.exp(-k * (u - 0.5)))
    return (s(x) - s(0)) / (s(1) - s(0))
  }
  return x
}

/** Which shaping steps to apply; tests switch one off to show the round trip notices it. */
export type Shaping = { invert?: boolean; response?: boolean; smoothing?: boolean }

/**
 * The expected lane value (0..1 of the target) at every frame: the normalised curve (lyric gaps hold
 * the nearest earlier sung value, or the first one before any; a number fills them), smoothed, then
 * inverted (1 - x), bent by the response and scaled into the range.
 */
export function expectedLane(analysis: Analysis, spec: LaneSpec, shaping: Shaping = {}): { t: number; v: number }[] {
  const times = analysis.frames.map((f) => f.t)
  const raw = analysis.frames.map((f) => rawValue(spec.curve, f, analysis))
  const missing = spec.missing ?? 'hold'
  let held = raw.find((v) => v !== null) ?? 0
  const filled = raw.map((v) => {
    if (v !== null) return (held = v)
    return missing === 'hold' ? held : clamp01(missing)
  })
  const smooth = zeroPhase(times, filled, shaping.smoothing === false ? 0 : (spec.smoothing ?? 0))
  const [lo, hi] = spec.range ?? [0, 1]
  return smooth.map((x, i) => {
    const flipped = spec.invert && shaping.invert !== false ? 1 - x : x
    const bent = shaping.response === false ? flipped : respond(flipped, spec.response ?? 'linear', spec.curvature ?? 3)
    return { t: times[i]!, v: lo + (hi - lo) * bent }
  })
}

/** The lane's tolerance: its own, else the mapping's. */
export const toleranceOf = (mapping: Mapping, spec: LaneSpec): number => spec.tolerance ?? mapping.tolerance ?? 0.01

/** The largest distance between a read-back lane and the expected values at the frames. */
export function worstDeviation(readAt: (t: number) => number, expected: { t: number; v: number }[]): number {
  return Math.max(...expected.map((p) => Math.abs(readAt(p.t) - p.v)))
}

/**
 * Asserts that a read-back lane matches the expected values within `bound` at every frame, and that
 * the check has teeth: without the lane's invert, response or smoothing some frame misses by more
 * than twice the bound.
 */
export function expectLaneMatches(analysis: Analysis, spec: LaneSpec, readAt: (t: number) => number, bound: number): void {
  expect(worstDeviation(readAt, expectedLane(analysis, spec)), `${spec.name}: worst deviation from the mapped curve`).toBeLessThanOrEqual(bound)
  const steps: (keyof Shaping)[] = []
  if (spec.invert) steps.push('invert')
  if (spec.response && spec.response !== 'linear') steps.push('response')
  if (spec.smoothing) steps.push('smoothing')
  for (const step of steps) {
    expect(worstDeviation(readAt, expectedLane(analysis, spec, { [step]: false })), `${spec.name}: deviation from the curve without its ${step}`).toBeGreaterThan(2 * bound)
  }
}
