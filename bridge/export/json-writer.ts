/** JSON writer: the lanes as `emolane.lanes/1`, points as [seconds, value] pairs joined by linear ramps. */
import type { Seconds } from '../analysis/types.js'
import { linearLanePoints } from './lanes.js'
import type { TempoMap } from './tempo-map.js'
import type { CcTarget, CurveId, LaneCurve, Normalized } from './types.js'

/** The document the JSON export writes. */
export type LanesDocument = {
  schema: 'emolane.lanes/1'
  /** Audio the analysis came from */
  source: string
  mapping: string
  /** Tempo used for `beats`, bpm (120 where the analysis knew none) */
  tempo: number
  tempoKnown: boolean
  /** How to read between points */
  interpolation: 'linear'
  lanes: {
    name: string
    curve: CurveId
    target: Required<CcTarget>
    /** Output range in 0..1 of the target's range, and the thinning tolerance, normalised units */
    range: [Normalized, Normalized]
    tolerance: Normalized
    /** [time in seconds, value 0..1] */
    points: [Seconds, Normalized][]
  }[]
}

/** Builds the JSON document (values rounded to 9 decimals). */
export function lanesDocument(lanes: LaneCurve[], tempo: TempoMap, meta: { source: string; mapping: string; tempoKnown: boolean }): LanesDocument {
  const round = (x: number): number => Math.round(x * 1e9) / 1e9
  return {
    schema: 'emolane.lanes/1',
    source: meta.source,
    mapping: meta.mapping,
    tempo: tempo.changes[0]!.bpm,
    tempoKnown: meta.tempoKnown,
    interpolation: 'linear',
    lanes: lanes.map((l) => ({
      name: l.lane.name,
      curve: l.lane.curve,
      target: l.lane.target,
      range: l.lane.range,
      tolerance: l.lane.tolerance,
      points: linearLanePoints(l).map((p) => [round(p.t), round(p.v)] as [Seconds, Normalized]),
    })),
  }
}

/** Writes the lanes as pretty JSON text bytes. */
export function writeJson(lanes: LaneCurve[], tempo: TempoMap, meta: { source: string; mapping: string; tempoKnown: boolean }): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(lanesDocument(lanes, tempo, meta), null, 1) + '\n')
}
