import { describe, expect, test } from 'vitest'
import { toReading } from '../../../bridge/analysis/readings.js'
import { smoothedCurve, smoothFrames } from '../../../bridge/analysis/smoothing.js'
import type { Frame } from '../../../bridge/analysis/types.js'

const frame = (t: number, v: number): Frame => {
  const r = toReading({ valence: v, arousal: 0, polarity: v > 0 ? [0.1, 0.2, 0.7] : [0.7, 0.2, 0.1] })
  return { ...r, t, start: t - 3, end: t + 3, audio: r, lyrics: null }
}

describe('smoothFrames', () => {
  const zigzag = Array.from({ length: 40 }, (_, i) => frame(i * 0.5, i % 2 ? 0.8 : -0.8))

  test('evens out a zigzag curve and keeps times', () => {
    const smooth = smoothFrames(zigzag, 2)
    expect(smooth.map((f) => f.t)).toEqual(zigzag.map((f) => f.t))
    for (const f of smooth.slice(4, -4)) expect(Math.abs(f.valence)).toBeLessThan(0.2)
    for (const f of smooth) expect(f.polarity.reduce((a, b) => a + b)).toBeCloseTo(1, 9)
  })

  test('leaves a constant curve unchanged and returns raw frames for 0 s', () => {
    const flat = Array.from({ length: 10 }, (_, i) => frame(i * 0.5, 0.5))
    for (const f of smoothFrames(flat, 3)) expect(f.valence).toBeCloseTo(0.5, 12)
    expect(smoothFrames(zigzag, 0)[1]!.valence).toBe(0.8)
  })
})

describe('smoothedCurve (the analysis document\'s curve)', () => {
  test('one point per frame at its time, the smoothed fused valence, and a label that follows the smoothed polarity', () => {
    // a step from sad to happy at 10 s, with a one-frame glitch at 5 s
    const frames = Array.from({ length: 40 }, (_, i) => frame(i * 0.5, i === 10 ? 0.9 : i < 20 ? -0.6 : 0.6))
    const curve = smoothedCurve(frames, 2)
    expect(curve.smoothingSeconds).toBe(2)
    expect(curve.points.map((p) => p.t)).toEqual(frames.map((f) => f.t))
    const smooth = smoothFrames(frames, 2)
    curve.points.forEach((p, i) => expect(p.valence).toBeCloseTo(smooth[i]!.valence, 4))
    // the glitch is smoothed away: the label at 5 s stays negative, while the raw frame says positive
    expect(frames[10]!.label).toBe('positive')
    expect(curve.points[10]!.label).toBe('negative')
    expect(curve.points[0]!.label).toBe('negative')
    expect(curve.points.at(-1)!.label).toBe('positive')
  })
})
