/**
 * REAPER writer: `<TRACK` chunks in RPP syntax, one track per lane, each carrying its lane as a track
 * envelope (volume, pan or width) with linear points (`PT time value 0`, times in seconds). As a track
 * template (.RTrackTemplate) the tracks insert into any open project; as a project (.RPP) they open
 * in a tab of their own with the analysis tempo and section markers.
 */
import { withDefaults } from './with-defaults.js'
import { createHash } from 'node:crypto'
import type { Section } from '../analysis/types.js'
import { linearLanePoints } from './lanes.js'
import { formatNumber } from './number-format.js'
import type { TempoMap } from './tempo-map.js'
import type { LaneCurve, Normalized, ReaperEnvelope } from './types.js'

/** Options of the RPP writer. */
export type RppOptions = {
  /** 'template' (tracks only, .RTrackTemplate) or 'project' (a whole .RPP), default 'template' */
  kind?: 'template' | 'project'
  /** Seed of the deterministic GUIDs (e.g. mapping name + source), so re-exports diff cleanly */
  seed?: string
  /** Section markers (project kind only) */
  sections?: Pick<Section, 'start' | 'name'>[]
}
const defaults = { kind: 'template' as const, seed: 'emolane', sections: [] as Pick<Section, 'start' | 'name'>[] }

/** Each envelope's chunk name and how a normalised lane value becomes REAPER's stored value. */
export const REAPER_ENVELOPE_CHUNKS: Record<ReaperEnvelope, { chunk: string; min: number; max: number; about: string }> = {
  // Track volume (post-FX) stores amplitude: 1 = 0 dB, 0 = -inf dB. The lane's 0..1 maps onto -inf..0 dB.
  volume: { chunk: 'VOLENV2', min: 0, max: 1, about: 'track volume, amplitude 0..1 (-inf..0 dB)' },
  // Track pan (post-FX) stores -1..1 as REAPER's envelope values.
  pan: { chunk: 'PANENV2', min: -1, max: 1, about: 'track pan, -1..1 as stored by REAPER' },
  // Track width stores -1..1 (1 = full stereo width).
  width: { chunk: 'WIDTHENV2', min: -1, max: 1, about: 'track width, -1..1' },
}

/** REAPER's stored envelope value for a normalised lane value. */
export function reaperValue(envelope: ReaperEnvelope, v: Normalized): number {
  const { min, max } = REAPER_ENVELOPE_CHUNKS[envelope]
  return min + (max - min) * v
}

/** A GUID in REAPER's {8-4-4-4-12} upper-case form, derived from a seed string. */
export function guidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex').toUpperCase()
  return `{${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}}`
}

/** Quotes a string for RPP: REAPER takes ", ' or ` as quotes; pick one the text does not contain. */
export function quoteRpp(s: string): string {
  const clean = s.replace(/[\r\n]+/g, ' ')
  for (const q of ['"', "'", '`']) if (!clean.includes(q)) return `${q}${clean}${q}`
  return `"${clean.replace(/"/g, "''")}"`
}

function trackLines(lane: LaneCurve, index: number, seed: string): string[] {
  const env = REAPER_ENVELOPE_CHUNKS[lane.lane.reaper]
  const lines = [
    `<TRACK ${guidFrom(`${seed}:track:${index}`)}`,
    `  NAME ${quoteRpp(`emolane: ${lane.lane.name}`)}`,
    '  PEAKCOL 16576',
    '  AUTOMODE 1',
    '  VOLPAN 1 0 -1 -1 1',
    '  MUTESOLO 0 0 0',
    '  NCHAN 2',
    `  TRACKID ${guidFrom(`${seed}:track:${index}`)}`,
    `  <${env.chunk}`,
    `    EGUID ${guidFrom(`${seed}:envelope:${index}`)}`,
    '    ACT 1 -1',
    '    VIS 1 1 1',
    '    LANEHEIGHT 0 0',
    '    ARM 1',
    '    DEFSHAPE 0 -1 -1',
  ]
  for (const p of linearLanePoints(lane)) lines.push(`    PT ${formatNumber(p.t)} ${formatNumber(reaperValue(lane.lane.reaper, p.v))} 0`)
  lines.push('  >', '>')
  return lines
}

/** Writes the lanes as REAPER track chunks (template) or a whole project; returns UTF-8 text bytes. */
export function writeRpp(lanes: LaneCurve[], tempo: TempoMap, options: RppOptions = {}): Uint8Array {
  const opts = withDefaults(defaults, options)
  const tracks = lanes.flatMap((lane, i) => trackLines(lane, i, opts.seed))
  if (opts.kind === 'template') return new TextEncoder().encode(tracks.join('\n') + '\n')
  const bpm = tempo.changes[0]!.bpm
  const lines = ['<REAPER_PROJECT 0.1 "6.0/emolane" 0', `  TEMPO ${formatNumber(bpm)} 4 4`, '  TIMEMODE 1 5 -1 30 0 0 -1', '  PLAYRATE 1 0 0.25 4']
  opts.sections.forEach((s, i) => lines.push(`  MARKER ${i + 1} ${formatNumber(s.start)} ${quoteRpp(s.name)} 0 0`))
  for (const l of tracks) lines.push(`  ${l}`)
  lines.push('>')
  return new TextEncoder().encode(lines.join('\n') + '\n')
}
