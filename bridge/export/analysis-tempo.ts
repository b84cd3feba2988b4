/** The tempo an export is written on: the analysis's tempo map where it has one, else its one tempo. */
import type { Analysis } from '../analysis/types.js'
import { AnalysisError } from './curves.js'
import { TempoMap } from './tempo-map.js'

/** The export's tempo map; `known` is false where the analysis knows no tempo (120 bpm is assumed then). */
export function exportTempo(analysis: Analysis): { tempo: TempoMap; known: boolean } {
  const points: unknown = analysis.tempoMap
  if (points !== undefined && points !== null && !Array.isArray(points)) throw new AnalysisError(`analysis tempoMap must be an array of {time, bpm}, got ${typeof points}`)
  if (Array.isArray(points) && points.length > 0) {
    points.forEach((p: { time?: unknown; bpm?: unknown } | null, i) => {
      const prev = i > 0 ? (points[i - 1] as { time: number }).time : -Infinity
      const ok = typeof p?.time === 'number' && Number.isFinite(p.time) && p.time >= 0 && p.time > prev && typeof p.bpm === 'number' && Number.isFinite(p.bpm) && p.bpm >= 1 && p.bpm <= 1000
      if (!ok) throw new AnalysisError(`analysis tempoMap[${i}] is ${JSON.stringify(p)}; expected {time: seconds >= 0, after the change before it, bpm: 1..1000}`)
    })
    return { tempo: TempoMap.fromTimes(points as { time: number; bpm: number }[]), known: true }
  }
  const known = typeof analysis.tempo === 'number' && Number.isFinite(analysis.tempo) && analysis.tempo > 0
  return { tempo: TempoMap.constant(analysis.tempo), known }
}
