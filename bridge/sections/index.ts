/**
 * Section files for `--sections FILE`: CSV/TSV/JSON of start, end, name; REAPER's Region/Marker
 * Manager CSV export; Audacity label tracks; markers in a MIDI file.
 */
import { readFile } from 'node:fs/promises'
import type { Seconds, SectionSpan } from '../analysis/types.js'
import { decodeText } from '../lyrics/decode-text.js'
import { isMidiBytes } from '../lyrics/detect-format.js'
import { checkSectionStarts, checkSpanTimes } from '../lyrics/check-times.js'
import { FileFormatError } from '../lyrics/file-format-error.js'
import { finishSectionsAt } from './finish-sections.js'
import { parseSectionJson } from './json-sections.js'
import { parseMidiMarkers } from './midi-markers.js'
import { parseSectionTable } from './table-sections.js'
import { fsReason } from '../io/fs-error.js'

export { FileFormatError } from '../lyrics/file-format-error.js'

/** Section file formats. */
export const SECTION_FORMATS = ['csv', 'json', 'midi'] as const
export type SectionFormat = (typeof SECTION_FORMATS)[number]

export type SectionsOptions = {
  /** Song duration: the last open section (a marker) ends here */
  duration?: Seconds
  /** Tempo, bpm, for REAPER exports whose times are measures.beats */
  tempo?: number
  /** Beats per bar for measures.beats times, default 4 */
  beatsPerBar?: number
  /** Text encoding; detected when absent */
  encoding?: string
  /** File name for errors */
  file?: string
  /** Format; by extension or content when absent */
  format?: SectionFormat
  /** Largest file accepted, bytes, default 4 MiB (as for lyrics) */
  maxBytes?: number
}

const defaults = { maxBytes: 4 * 1024 * 1024 }

/** Reads a section file. */
export async function loadSections(path: string, opts: SectionsOptions = {}): Promise<SectionSpan[]> {
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(await readFile(path))
  } catch (cause) {
    throw new Error(`cannot read sections file ${path}: ${fsReason(cause)}`, { cause })
  }
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase()
  const byExt: Record<string, SectionFormat> = { csv: 'csv', tsv: 'csv', txt: 'csv', json: 'json', mid: 'midi', midi: 'midi', kar: 'midi', rmi: 'midi' }
  return parseSections(bytes, { ...opts, file: opts.file ?? path, format: opts.format ?? (ext ? byExt[ext] : undefined) })
}

/** Parses section text or bytes into sorted, non-overlapping spans with source 'file'. */
export function parseSections(input: string | Uint8Array, opts: SectionsOptions = {}): SectionSpan[] {
  const file = opts.file ?? '<input>'
  const maxBytes = opts.maxBytes ?? defaults.maxBytes
  const size = typeof input === 'string' ? input.length : input.byteLength
  if (size > maxBytes) throw new FileFormatError(file, {}, `sections must be at most ${maxBytes} bytes, got ${size}`)
  const musical = { tempo: opts.tempo, beatsPerBar: opts.beatsPerBar }
  if (opts.tempo !== undefined && !(opts.tempo > 0 && opts.tempo < 1000)) throw new RangeError(`tempo must be in (0, 1000) bpm, got ${opts.tempo}`)
  const bytes = typeof input === 'string' ? null : input
  if (opts.format === 'midi' || (bytes && isMidiBytes(bytes))) {
    if (!bytes) throw new TypeError(`MIDI sections must be given as bytes (${file})`)
    const { sections, duration } = parseMidiMarkers(bytes, file, opts.encoding)
    checkSectionStarts(sections, file)
    const { spans, at } = finishSectionsAt(sections, { duration: opts.duration ?? duration })
    return checkSpanTimes(spans, file, at)
  }
  const text = typeof input === 'string' ? input.replace(/^\uFEFF/, '') : decodeText(input, { encoding: opts.encoding, file }).text
  const format = opts.format ?? (/^\s*[[{]/.test(text) ? 'json' : 'csv')
  const raw = format === 'json' ? parseSectionJson(text, file, musical) : parseSectionTable(text, file, musical)
  checkSectionStarts(raw, file)
  const { spans, at } = finishSectionsAt(raw, { duration: opts.duration })
  if (spans.length === 0) throw new FileFormatError(file, {}, 'no sections found (every row was empty or zero-length)')
  return checkSpanTimes(spans, file, at)
}
