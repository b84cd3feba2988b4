/** Smoothed curves for display and automation: Gaussian-weighted means of nearby frames. */
import { meanReading } from './readings.js'
import type { Curve, Frame, Reading, Seconds } from './types.js'

/**
 * Frames with each reading replaced by a Gaussian-weighted mean over neighbours (sigma = seconds / 2,
 * cut at 3 sigma). `seconds` <= 0 returns the frames unchanged. Frames must be sorted by t.
 */
export function smoothFrames(frames: readonly Frame[], seconds: Seconds): Frame[] {
  if (!(seconds > 0)) return frames.slice()
  const sigma = seconds / 2
  const reach = 3 * sigma
  return frames.map((f, i) => {
    let lo = i
    while (lo > 0 && f.t - frames[lo - 1]!.t <= reach) lo--
    let hi = i
    while (hi < frames.length - 1 && frames[hi + 1]!.t - f.t <= reach) hi++
    const near = frames.slice(lo, hi + 1)
    const w = near.map((g) => Math.exp(-0.5 * ((g.t - f.t) / sigma) ** 2))
    const pick = (get: (g: Frame) => Reading | null): Reading | null => {
      const rs: Reading[] = []
      const ws: number[] = []
      near.forEach((g, j) => {
        const r = get(g)
        if (r) {
          rs.push(r)
          ws.push(w[j]!)
        }
      })
      return meanReading(rs, ws)
    }
    const fused = pick((g) => g)!
    return { ...f, ...fused, audio: pick((g) => g.audio)!, lyrics: f.lyrics ? pick((g) => g.lyrics) : null }
  })
}

/** The fused curve smoothed over `seconds` (as the panel draws it and exports read it): one point per frame. */
export function smoothedCurve(frames: readonly Frame[], seconds: Seconds): Curve {
  const round = (x: number) => Math.round(x * 1e4) / 1e4
  return {
    smoothingSeconds: Math.max(0, seconds),
    points: smoothFrames(frames, seconds).map((f) => ({ t: f.t, valence: round(f.valence), arousal: round(f.arousal), label: f.label })),
  }
}
