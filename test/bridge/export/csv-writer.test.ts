import { describe, expect, test } from 'vitest'
import { exportAnalysis, type Mapping } from '../../../bridge/export/index.js'
import { makeAnalysis } from './analysis-fixture.js'

/** RFC 4180 CSV reader (quoted fields with doubled quotes, CRLF rows), independent of the writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      i++
    } else field += c
  }
  if (field || row.length) throw new Error('last row has no CRLF')
  return rows
}

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

describe('CSV export', () => {
  test('CSV rows parse back to lanes that match the curve within tolerance at every frame', async () => {
    const a = makeAnalysis({ duration: 90, tempo: 100 })
    const r = await exportAnalysis(a, { to: 'csv', mapping })
    expect(r.mime).toBe('text/csv; charset=utf-8')
    const [header, ...rows] = parseCsv(new TextDecoder().decode(r.bytes))
    expect(header).toEqual(['lane', 'curve', 'channel', 'cc', 'time_s', 'beats', 'value', 'cc_value'])
    const byLane = new Map<string, [number, number][]>()
    for (const row of rows) {
      expect(row).toHaveLength(8)
      expect(Number(row[5])).toBeCloseTo((Number(row[4]) * 100) / 60, 6)
      expect(Number(row[7])).toBe(Math.round(Number(row[6]) * 127))
      if (!byLane.has(row[0]!)) byLane.set(row[0]!, [])
      byLane.get(row[0]!)!.push([Number(row[4]), Number(row[6])])
    }
    expect([...byLane.keys()]).toEqual(['Warmth, "valence"', 'Energy'])
    for (const f of a.frames) {
      expect(Math.abs(rampAt(byLane.get('Warmth, "valence"')!, f.t) - (f.valence + 1) / 2)).toBeLessThanOrEqual(0.01)
      expect(Math.abs(rampAt(byLane.get('Energy')!, f.t) - (0.2 + 0.6 * (1 - (f.arousal + 1) / 2)))).toBeLessThanOrEqual(0.01)
    }
  })
})
