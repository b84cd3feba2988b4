import { describe, expect, test } from 'vitest'
import { pointAt, smoothFrames } from '../../panel/smoothing.js'
import { frame, frames, reading } from './feed-fixtures.js'

describe('smoothFrames', () => {
  test('width 0 passes every frame through unchanged', () => {
    const fs = frames(0, 5, 0.5, (t) => (t < 2 ? 0.8 : -0.8))
    const s = smoothFrames(fs, 0)
    expect(s.fused.map((p) => p.valence)).toEqual(fs.map((f) => f.valence))
    expect(s.fused.map((p) => p.label)).toEqual(fs.map((f) => f.label))
  })

  test('smoothing flattens a spike and takes the majority polarity', () => {
    const fs = frames(0, 10, 0.5, (t) => (t === 5 ? -1 : 0.5))
    const s = smoothFrames(fs, 2)
    const at5 = s.fused.find((p) => p.t === 5)!
    expect(at5.valence).toBeGreaterThan(0.1)
    expect(at5.label).toBe('positive')
    // Far from the spike the curve is untouched.
    expect(s.fused[0]!.valence).toBeCloseTo(0.5)
  })

  test('the lyrics-only curve keeps its gaps where nothing was sung', () => {
    const fs = [frame(0, 0.1, 0, { lyrics: reading(0.5) }), frame(0.5, 0.1), frame(1, 0.1, 0, { lyrics: reading(0.3) })]
    const s = smoothFrames(fs, 2)
    expect(s.lyrics[1]).toBeNull()
    // Gaussian with sigma = 1 s: the sung frame 1 s away weighs e^-0.5.
    const w = Math.exp(-0.5)
    expect(s.lyrics[0]!.valence).toBeCloseTo((0.5 + w * 0.3) / (1 + w), 6)
  })

  test('pointAt finds the reading under the play head', () => {
    const s = smoothFrames(frames(0, 5, 0.5, (t) => t / 10), 0)
    expect(pointAt(s.fused, 2.2)!.t).toBe(2)
    expect(pointAt(s.fused, -1)).toBeNull()
    expect(pointAt(s.fused, 99)!.t).toBe(4.5)
  })
})
