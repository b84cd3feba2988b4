import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { confidence, labelOf, meanReading, toReading } from '../../../bridge/analysis/readings.js'
import type { PolarityProbs } from '../../../bridge/analysis/types.js'

const probs = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
  .filter(([a, b, c]) => a + b + c > 1e-6)
  .map(([a, b, c]) => [a / (a + b + c), b / (a + b + c), c / (a + b + c)] as PolarityProbs)

describe('readings', () => {
  test('confidence is 1 for a certain head, 0 for a uniform one, and always in [0, 1]', () => {
    expect(confidence([0, 0, 1])).toBe(1)
    expect(confidence([1 / 3, 1 / 3, 1 / 3])).toBeCloseTo(0, 12)
    fc.assert(fc.property(probs, (p) => {
      const c = confidence(p)
      return c >= 0 && c <= 1
    }))
  })

  test('the label is the most probable class', () => {
    expect(labelOf([0.2, 0.3, 0.5])).toBe('positive')
    expect(labelOf([0.6, 0.3, 0.1])).toBe('negative')
    expect(labelOf([0.2, 0.5, 0.3])).toBe('neutral')
  })

  test('a mean of readings keeps probabilities summing to 1 and relabels', () => {
    const a = toReading({ valence: 0.8, arousal: 0.2, polarity: [0.1, 0.1, 0.8] })
    const b = toReading({ valence: -0.4, arousal: -0.6, polarity: [0.7, 0.2, 0.1] })
    const m = meanReading([a, b, b])!
    expect(m.polarity.reduce((x, y) => x + y)).toBeCloseTo(1, 12)
    expect(m.valence).toBeCloseTo(0, 12)
    expect(m.label).toBe('negative')
    expect(meanReading([])).toBeNull()
  })
})
