/** CSV writer: one row per point, `lane,curve,channel,cc,time_s,beats,value,cc_value`, thinned as linear ramps. */
import { linearLanePoints } from './lanes.js'
import { formatNumber } from './number-format.js'
import { levelsOf } from './smf-writer.js'
import type { TempoMap } from './tempo-map.js'
import type { LaneCurve } from './types.js'

/** The CSV header row. */
export const CSV_HEADER = ['lane', 'curve', 'channel', 'cc', 'time_s', 'beats', 'value', 'cc_value'] as const

/** Quotes a CSV field when it holds a comma, quote or line break (RFC 4180). */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** Writes the lanes as CSV text bytes (UTF-8, CRLF line ends as RFC 4180 asks). */
export function writeCsv(lanes: LaneCurve[], tempo: TempoMap): Uint8Array {
  const rows: string[] = [CSV_HEADER.join(',')]
  for (const lane of lanes) {
    const { name, curve, target } = lane.lane
    const levels = levelsOf(target.bits)
    for (const p of linearLanePoints(lane)) {
      rows.push([csvField(name), curve, target.channel, target.cc, formatNumber(p.t), formatNumber(tempo.secondsToBeats(p.t)), formatNumber(p.v), Math.round(p.v * levels)].join(','))
    }
  }
  return new TextEncoder().encode(rows.join('\r\n') + '\r\n')
}
