import { describe, expect, test } from 'vitest'
import { exportAnalysis, type Mapping } from '../../../bridge/export/index.js'
import type { LanesDocument } from '../../../bridge/export/json-writer.js'
import { makeAnalysis } from './analysis-fixture.js'

function rampAt(points: [number, number][], t: number): number {
  if (t <= points[0]![0]) return points[0]![1]
  for (let i = 1; i < points.length; i++) {
    const [ta, va] = points[i - 1]!
    const [tb, vb] = points[i]!
    if (t <= tb) return va + ((vb - va) * (t - ta)) / (tb - ta)
  }
  return points[points.length - 1]![1]
}

const mapping = {
  name: 'table',
  tolerance: 0.01,
  lanes: [
    { name: 'Warmth, "valence"', curve: 'fused.valence', target: { cc: 20 } },
    { name: 'Energy', curve: 'fused.arousal', target: { cc: 21, channel: 5 }, invert: true, range: [0.2, 0.8] },
  ],
} as Mapping

describe('JSON export', () => {
  test('JSON parses back to lanes that match the curve within tolerance at every frame', async () => {
    const a = makeAnalysis({ duration: 90, tempo: null })
    const r = await exportAnalysis(a, { to: 'json', mapping })
    expect(r.mime).toBe('application/json')
    const doc = JSON.parse(new TextDecoder().decode(r.bytes)) as LanesDocument
    expect(doc).toMatchObject({ schema: 'emolane.lanes/1', source: 'songs/Test Song.wav', mapping: 'table', tempo: 120, tempoKnown: false, interpolation: 'linear' })
    expect(doc.lanes.map((l) => [l.name, l.target])).toEqual([
      ['Warmth, "valence"', { cc: 20, channel: 1, bits: 7 }],
      ['Energy', { cc: 21, channel: 5, bits: 7 }],
    ])
    for (const f of a.frames) {
      expect(Math.abs(rampAt(doc.lanes[0]!.points, f.t) - (f.valence + 1) / 2)).toBeLessThanOrEqual(0.01)
      expect(Math.abs(rampAt(doc.lanes[1]!.points, f.t) - (0.2 + 0.6 * (1 - (f.arousal + 1) / 2)))).toBeLessThanOrEqual(0.01)
    }
    expect(r.lanes.map((l) => l.points)).toEqual(doc.lanes.map((l) => l.points.length))
  })
})
