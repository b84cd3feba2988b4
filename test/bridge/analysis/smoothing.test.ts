import { describe, expect, test } from 'vitest'
import { toReading } from '../../../bridge/analysis/readings.js'
import { smoothFrames } from '../../../bridge/analysis/smoothing.js'
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
