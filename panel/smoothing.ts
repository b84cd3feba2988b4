/** Turns frames into drawable curve points per head, with an optional centred moving average. */
import type { Frame, PolarityLabel, Reading, Seconds } from '../bridge/analysis/types.js'
import { POLARITY_LABELS } from '../bridge/analysis/types.js'

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

type Acc = { n: number; v: number; a: number; c: number; p0: number; p1: number; p2: number }
const zero = (): Acc => ({ n: 0, v: 0, a: 0, c: 0, p0: 0, p1: 0, p2: 0 })
function add(acc: Acc, r: Reading, sign: 1 | -1): void {
  acc.n += sign
  acc.v += sign * r.valence
  acc.a += sign * r.arousal
  acc.c += sign * r.confidence
  acc.p0 += sign * (r.polarity?.[0] ?? 0)
  acc.p1 += sign * (r.polarity?.[1] ?? 0)
  acc.p2 += sign * (r.polarity?.[2] ?? 0)
}
function mean(acc: Acc, t: Seconds): CurvePoint {
  const ps = [acc.p0, acc.p1, acc.p2]
  const best = ps.indexOf(Math.max(...ps))
  return { t, valence: acc.v / acc.n, arousal: acc.a / acc.n, confidence: acc.c / acc.n, label: POLARITY_LABELS[best]! }
}
const point = (t: Seconds, r: Reading): CurvePoint => ({ t, valence: r.valence, arousal: r.arousal, confidence: r.confidence, label: r.label })

/** Points for one head, averaged over frames within ±width/2 of each frame (two pointers: O(n)). */
function smoothHead(frames: readonly Frame[], pick: (f: Frame) => Reading | null, width: Seconds): (CurvePoint | null)[] {
  const out: (CurvePoint | null)[] = new Array(frames.length)
  if (width <= 0) {
    for (let i = 0; i < frames.length; i++) {
      const r = pick(frames[i]!)
      out[i] = r ? point(frames[i]!.t, r) : null
    }
    return out
  }
  const half = width / 2
  const acc = zero()
  let lo = 0
  let hi = 0
  for (let i = 0; i < frames.length; i++) {
    const t = frames[i]!.t
    while (hi < frames.length && frames[hi]!.t <= t + half) {
      const r = pick(frames[hi]!)
      if (r) add(acc, r, 1)
      hi++
    }
    while (frames[lo]!.t < t - half) {
      const r = pick(frames[lo]!)
      if (r) add(acc, r, -1)
      lo++
    }
    out[i] = pick(frames[i]!) && acc.n > 0 ? mean(acc, t) : null
  }
  return out
}

/** Curve points for the fused, audio-only and lyrics-only heads, smoothed over `width` seconds. */
export function smoothFrames(frames: readonly Frame[], width: Seconds): CurveSeries {
  return {
    fused: smoothHead(frames, (f) => f, width) as CurvePoint[],
    audio: smoothHead(frames, (f) => f.audio ?? null, width).map((p, i) => p ?? point(frames[i]!.t, frames[i]!)),
    lyrics: smoothHead(frames, (f) => f.lyrics ?? null, width),
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
