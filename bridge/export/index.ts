/**
 * Export API for the CLI, the HTTP route and the panel: an analysis plus a mapping in, one file out
 * (Standard MIDI File, DAWproject, REAPER track template or project, CSV, JSON).
 */
import type { Analysis } from '../analysis/types.js'
import { exportTempo } from './analysis-tempo.js'
import { AnalysisError } from './curves.js'
import { writeCsv } from './csv-writer.js'
import { writeDawproject } from './dawproject-writer.js'
import { writeJson } from './json-writer.js'
import { laneCurves, linearLanePoints } from './lanes.js'
import { MappingError, withFourteenBit } from './mapping.js'
import { loadMapping, loadPresetMapping } from './mapping-presets.js'
import { writeRpp } from './rpp-writer.js'
import { laneEvents, levelsOf, writeSmf } from './smf-writer.js'
import { TOLERANCE_MARGIN } from './thinning.js'
import type { Mapping } from './types.js'

export { AnalysisError } from './curves.js'
export { MappingError, resolveMapping } from './mapping.js'
export { listMappings, loadMapping, loadPresetMapping, type MappingInfo } from './mapping-presets.js'
export type { CurveId, Mapping, LaneSpec, ResolvedMapping } from './types.js'
export { LiveWriter, type LiveSource, type LiveWriterOptions } from './live/live-writer.js'
export { listDialects, loadDialect, type LiveDialect, type LiveDialectSpec } from './live/live-dialect.js'

/** File formats `exportAnalysis` writes. */
export const EXPORT_FORMATS = ['mid', 'dawproject', 'rpp', 'csv', 'json'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** Options of an export. */
export type ExportOptions = {
  /** File format */
  to: ExportFormat
  /** Preset name or a mapping object, default 'all-curves' (files are read by the caller: see loadMapping) */
  mapping?: string | Mapping
  /** DAWproject point times in 'seconds' or 'beats', default 'seconds' */
  timeUnit?: 'seconds' | 'beats'
  /** REAPER output: 'template' (.RTrackTemplate, inserts into an open project) or 'project' (.RPP), default 'template' */
  rppKind?: 'template' | 'project'
  /** Write every lane as a 14-bit MSB/LSB CC pair (lanes must be on CC 0..31), default false */
  fourteenBit?: boolean
}

/** An exported file. */
export type ExportResult = {
  filename: string
  mime: string
  bytes: Uint8Array
  /** Points written per lane (after thinning) and frames analysed, for a one-line report. */
  lanes: { name: string; points: number; frames: number }[]
}

const MIME: Record<ExportFormat, string> = {
  mid: 'audio/midi',
  dawproject: 'application/zip',
  rpp: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
}

/** A file-name stem from the analysis source: 'songs/My Song.wav' -> 'My Song'. */
function stemOf(source: unknown): string {
  const base = typeof source === 'string' ? (source.split(/[\\/]/).pop() ?? '') : ''
  const stem = base.replace(/\.[^.]+$/, '').replace(/[^\p{L}\p{N} ._-]+/gu, '_').trim()
  return !stem || stem === 'live' ? 'emolane' : stem.slice(0, 80)
}

/** Exports an analysis through a mapping into one file. Bad mappings and analyses throw; no partial file is returned. */
export async function exportAnalysis(analysis: Analysis, opts: ExportOptions): Promise<ExportResult> {
  if (!EXPORT_FORMATS.includes(opts?.to)) throw new TypeError(`export format must be one of ${EXPORT_FORMATS.join(', ')}, got ${JSON.stringify(opts?.to)}`)
  if (opts.timeUnit !== undefined && opts.timeUnit !== 'seconds' && opts.timeUnit !== 'beats') throw new TypeError(`timeUnit must be 'seconds' or 'beats', got ${JSON.stringify(opts.timeUnit)}`)
  if (opts.rppKind !== undefined && opts.rppKind !== 'template' && opts.rppKind !== 'project') throw new TypeError(`rppKind must be 'template' or 'project', got ${JSON.stringify(opts.rppKind)}`)
  if (analysis === null || typeof analysis !== 'object') throw new AnalysisError(`expected an emolane analysis object, got ${analysis === null ? 'null' : typeof analysis}`)
  // This API serves HTTP requests too: a string is a preset name, never a file to open.
  let mapping = typeof opts.mapping === 'string' ? await loadPresetMapping(opts.mapping) : await loadMapping(opts.mapping)
  if (opts.fourteenBit) mapping = withFourteenBit(mapping)
  const lanes = laneCurves(analysis, mapping)
  // the DAW's tempo map where the analysis has one (MIDI ticks and DAWproject beats follow it), else its tempo
  const { tempo, known: tempoKnown } = exportTempo(analysis)
  const sections = (analysis.sections ?? []).filter((s) => Number.isFinite(s.start) && typeof s.name === 'string')
  const stem = `${stemOf(analysis.source)}-${mapping.name}`
  const title = `${stemOf(analysis.source)} (emolane ${mapping.name})`

  let bytes: Uint8Array
  let filename: string
  let counts: number[] | undefined
  switch (opts.to) {
    case 'mid': {
      for (const lane of mapping.lanes) {
        const half = 0.5 / levelsOf(lane.target.bits)
        if (lane.tolerance < half + TOLERANCE_MARGIN) {
          throw new MappingError(`mapping ${mapping.name}, lane ${JSON.stringify(lane.name)}: tolerance ${lane.tolerance} is finer than ${lane.target.bits}-bit CC can hold (half a step is ${half.toFixed(5)}); raise it to at least ${(half + 2 * TOLERANCE_MARGIN).toFixed(5)}${lane.target.bits === 7 ? ' or export 14-bit pairs' : ''}`)
        }
      }
      bytes = writeSmf(lanes, tempo, { title, sections })
      counts = lanes.map((l) => laneEvents(l).length)
      filename = `${stem}.mid`
      break
    }
    case 'dawproject':
      bytes = writeDawproject(lanes, tempo, { timeUnit: opts.timeUnit, title, sections, comment: `emolane automation lanes from ${String(analysis.source)}, mapping ${mapping.name}${tempoKnown ? '' : ' (tempo unknown: 120 bpm assumed)'}` })
      filename = `${stem}.dawproject`
      break
    case 'rpp': {
      const kind = opts.rppKind ?? 'template'
      bytes = writeRpp(lanes, tempo, { kind, seed: `${String(analysis.source)}:${mapping.name}`, sections })
      filename = kind === 'template' ? `${stem}.RTrackTemplate` : `${stem}.RPP`
      break
    }
    case 'csv':
      bytes = writeCsv(lanes, tempo)
      filename = `${stem}.csv`
      break
    case 'json':
      bytes = writeJson(lanes, tempo, { source: String(analysis.source), mapping: mapping.name, tempoKnown })
      filename = `${stem}.json`
      break
  }
  counts ??= lanes.map((l) => linearLanePoints(l).length)
  return { filename, mime: MIME[opts.to], bytes, lanes: lanes.map((l, i) => ({ name: l.lane.name, points: counts[i]!, frames: l.frames.length })) }
}
