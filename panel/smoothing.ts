/**
 * Turns frames into drawable curve points per head, smoothed the way exports and CSV are
 * (bridge/analysis/smoothing.ts: Gaussian, sigma = width / 2), so the panel shows what gets exported.
 */
import { smoothFrames as smoothReadings } from '../bridge/analysis/smoothing.js'
import type { Frame, PolarityLabel, Reading, Seconds } from '../bridge/analysis/types.js'

/** One drawable point of one head. */
export type CurvePoint = {
  t: Seconds
  valence: number
  arousal: number
  confidence: number
  label: PolarityLabel
}

/** Curves per head; `lyrics` holds null where no lyric was sung (drawn as a gap). */
export type CurveSeries = {
  fused: CurvePoint[]
  audio: CurvePoint[]
  lyrics: (CurvePoint | null)[]
}

const point = (t: Seconds, r: Reading): CurvePoint => ({ t, valence: r.valence, arousal: r.arousal, confidence: r.confidence, label: r.label })

/** Curve points for the fused, audio-only and lyrics-only heads, smoothed over `width` seconds (0: raw). */
export function smoothFrames(frames: readonly Frame[], width: Seconds): CurveSeries {
  const smoothed = width > 0 ? smoothReadings(frames, width) : frames
  return {
    fused: smoothed.map((f) => point(f.t, f)),
    // A frame without an audio-only reading (older feeds) falls back to the fused one.
    audio: smoothed.map((f) => point(f.t, f.audio ?? f)),
    lyrics: smoothed.map((f) => (f.lyrics ? point(f.t, f.lyrics) : null)),
  }
}

/** The last point at or before song time `t`, or null when `t` is before the first point. */
export function pointAt<T extends { t: Seconds }>(points: readonly T[], t: Seconds): T | null {
  let lo = 0
  let hi = points.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (points[mid]!.t <= t) lo = mid + 1
    else hi = mid
  }
  return lo > 0 ? points[lo - 1]! : null
}
