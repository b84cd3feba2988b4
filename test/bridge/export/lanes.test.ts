import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { AnalysisError, conflictAt, sampleCurve } from '../../../bridge/export/curves.js'
import { laneCurves, shapeValue } from '../../../bridge/export/lanes.js'
import { resolveMapping } from '../../../bridge/export/mapping.js'
import { applyResponse } from '../../../bridge/export/response.js'
import { CausalSmoother, smoothZeroPhase } from '../../../bridge/export/smoothing.js'
import type { LaneSpec } from '../../../bridge/export/types.js'
import { makeAnalysis } from './analysis-fixture.js'

const one = (spec: Partial<LaneSpec> & Pick<LaneSpec, 'curve'>) => resolveMapping({ name: 't', lanes: [{ target: { cc: 1 }, ...spec }] })

describe('curves', () => {
  test('valence in [-1, 1] maps linearly onto 0..1 at every frame', () => {
    const a = makeAnalysis()
    const [lane] = laneCurves(a, one({ curve: 'fused.valence' }))
    a.frames.forEach((f, i) => expect(lane!.frames[i]).toEqual({ t: f.t, v: (f.valence + 1) / 2 }))
  })

  test('polarity curves are the class probabilities', () => {
    const a = makeAnalysis()
    const [neg] = laneCurves(a, one({ curve: 'audio.negative' }))
    a.frames.forEach((f, i) => expect(neg!.frames[i]!.v).toBeCloseTo(f.audio.polarity[0], 12))
  })

  test('the conflict curve is the section score inside the conflict and 0 outside', () => {
    const a = makeAnalysis({ duration: 60 })
    const [lane] = laneCurves(a, one({ curve: 'conflict' }))
    for (const p of lane!.frames) expect(p.v).toBe(p.t >= 40 ? 0.8 : 0)
    expect(conflictAt(a.conflicts, 39.99)).toBe(0)
  })

  test('lyric gaps hold the nearest sung value, or take the given gap value', () => {
    const a = makeAnalysis({ lyricSpans: [[10, 20]] })
    const held = sampleCurve(a, 'lyrics.valence', 'hold')
    const firstSung = a.frames.findIndex((f) => f.lyrics !== null)
    const lastSung = a.frames.findLastIndex((f) => f.lyrics !== null)
    expect(held[0]!.v).toBe(held[firstSung]!.v)
    expect(held[held.length - 1]!.v).toBe(held[lastSung]!.v)
    const gap = sampleCurve(a, 'lyrics.valence', 0.5)
    expect(gap[0]!.v).toBe(0.5)
  })

  test('a lyrics curve with nothing sung is an error under "hold" and a flat line with a gap value', () => {
    const a = makeAnalysis({ lyricSpans: [] })
    expect(() => sampleCurve(a, 'lyrics.arousal', 'hold')).toThrow(/lyrics.arousal has no values: no frame .* has a lyrics reading/)
    expect(new Set(sampleCurve(a, 'lyrics.arousal', 0.25).map((p) => p.v))).toEqual(new Set([0.25]))
  })

  test('an empty analysis, a NaN value and frames out of order are clear errors', () => {
    const empty = { ...makeAnalysis(), frames: [] }
    expect(() => laneCurves(empty, one({ curve: 'fused.valence' }))).toThrow(AnalysisError)
    expect(() => laneCurves(empty, one({ curve: 'fused.valence' }))).toThrow(/has no frames: nothing to export/)
    const nan = makeAnalysis()
    nan.frames[3]!.arousal = Number.NaN
    expect(() => laneCurves(nan, one({ curve: 'fused.arousal' }))).toThrow(/frame at t=4.5 s has fused.arousal = NaN; expected a finite number/)
    const shuffled = makeAnalysis()
    ;[shuffled.frames[2], shuffled.frames[3]] = [shuffled.frames[3]!, shuffled.frames[2]!]
    expect(() => laneCurves(shuffled, one({ curve: 'fused.arousal' }))).toThrow(/frame 3 at t=4 s is not after frame 2/)
  })
})

describe('shaping', () => {
  test('every response curve is monotonic and maps 0 to 0 and 1 to 1', () => {
    fc.assert(
      fc.property(fc.constantFrom('linear', 'exponential', 's-curve' as const), fc.double({ min: 0.1, max: 20, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (r, k, x, y) => {
        expect(applyResponse(0, r, k)).toBeCloseTo(0, 9)
        expect(applyResponse(1, r, k)).toBeCloseTo(1, 9)
        if (x < y) expect(applyResponse(x, r, k)).toBeLessThanOrEqual(applyResponse(y, r, k) + 1e-12)
      }),
    )
  })

  test('an exponential response keeps low values low; an S-curve pushes away from the middle', () => {
    expect(applyResponse(0.25, 'exponential', 3)).toBeLessThan(0.25)
    expect(applyResponse(0.25, 's-curve', 8)).toBeLessThan(0.25)
    expect(applyResponse(0.75, 's-curve', 8)).toBeGreaterThan(0.75)
    expect(applyResponse(0.5, 's-curve', 8)).toBeCloseTo(0.5, 12)
  })

  test('invert and range place the value inside the lane range', () => {
    const [lane] = one({ curve: 'fused.arousal', invert: true, range: [0.2, 0.6] }).lanes
    expect(shapeValue(lane!, 0)).toBeCloseTo(0.6, 12)
    expect(shapeValue(lane!, 1)).toBeCloseTo(0.2, 12)
    expect(shapeValue(lane!, 0.5)).toBeCloseTo(0.4, 12)
  })
})

describe('smoothing', () => {
  test('zero-phase smoothing does not shift a symmetric bump in time', () => {
    const points = Array.from({ length: 201 }, (_, i) => ({ t: i * 0.5, v: i === 100 ? 1 : 0 }))
    const smooth = smoothZeroPhase(points, 2)
    const peak = smooth.reduce((best, p) => (p.v > best.v ? p : best))
    expect(peak.t).toBe(50)
    expect(smooth[99]!.v).toBeCloseTo(smooth[101]!.v, 12)
    expect(peak.v).toBeLessThan(0.5)
  })

  test('a causal smoother approaches a step with its time constant and restarts on a seek back', () => {
    const s = new CausalSmoother(1)
    s.next(0, 0)
    expect(s.next(1, 1)).toBeCloseTo(1 - Math.exp(-1), 9)
    expect(s.next(0.5, 0.2)).toBe(0.2)
  })
})
