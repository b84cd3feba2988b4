/**
 * Sections from delimited text: a CSV/TSV with a header naming start, end and name columns (any
 * order), REAPER's Region/Marker Manager export (`#,Name,Start,End,Length`: R rows are regions,
 * M rows markers), or an Audacity label track (`start<TAB>end<TAB>label`, no header).
 */
import { FileFormatError } from '../lyrics/file-format-error.js'
import { readTable, type TableRow } from './delimited-table.js'
import type { RawSection } from './finish-sections.js'
import { parseSectionTime, type MusicalTime } from './section-time.js'

const START = ['start', 'begin', 'from', 'start time', 'starttime', 'position', 'time', 'start (s)', 'start_s']
const END = ['end', 'stop', 'to', 'end time', 'endtime', 'end (s)', 'end_s']
const NAME = ['name', 'label', 'title', 'section', 'marker', 'region', 'text']
const LENGTH = ['length', 'duration', 'len']

/** Parses delimited section text. */
export function parseSectionTable(text: string, file: string, musical: MusicalTime = {}): RawSection[] {
  const rows = readTable(text)
  if (rows.length === 0) throw new FileFormatError(file, {}, 'no sections found: the file is empty')
  const header = rows[0]!.cells.map((c) => c.toLowerCase())
  const col = (names: string[]) => header.findIndex((h) => names.includes(h))
  const startCol = col(START)
  if (startCol < 0) {
    if (parseSectionTime(rows[0]!.cells[0] ?? '', musical) !== null) return audacityLabels(rows, file, musical)
    throw new FileFormatError(file, { line: rows[0]!.line }, `expected a header with a start column (start, end, name), got ${JSON.stringify(rows[0]!.cells.join(','))}`)
  }
  const reaper = header[0] === '#'
  const endCol = col(END)
  const nameCol = col(NAME)
  const lengthCol = col(LENGTH)
  const regions: RawSection[] = []
  const markers: RawSection[] = []
  for (const row of rows.slice(1)) {
    const start = time(row, startCol, 'start', file, musical)!
    let end = endCol >= 0 ? time(row, endCol, 'end', file, musical, true) : undefined
    if (end === undefined && lengthCol >= 0 && !reaper) {
      const length = time(row, lengthCol, 'length', file, musical, true)
      if (length !== undefined) end = start + length
    }
    if (end !== undefined && end < start) {
      throw new FileFormatError(file, { line: row.line }, `section ends (${row.cells[endCol]}) before it starts (${row.cells[startCol]})`)
    }
    const name = nameCol >= 0 ? (row.cells[nameCol] ?? '') : ''
    const isMarker = reaper ? /^M/i.test(row.cells[0] ?? '') || end === undefined : false
    ;(isMarker ? markers : regions).push({ start, end, name, at: { line: row.line } })
  }
  // REAPER: regions are the sections; markers only where a project has no regions.
  return reaper && regions.length > 0 ? regions : [...regions, ...markers]
}

function time(row: TableRow, col: number, what: string, file: string, musical: MusicalTime, optional = false): number | undefined {
  const raw = row.cells[col] ?? ''
  if (raw === '' && optional) return undefined
  const t = parseSectionTime(raw, musical)
  if (t === 'needs-tempo') {
    throw new FileFormatError(file, { line: row.line }, `${what} ${JSON.stringify(raw)} is in measures.beats; pass the song's tempo (--tempo BPM, and --beats-per-bar if not 4) or export with the ruler in seconds`)
  }
  if (t === null || t < 0) throw new FileFormatError(file, { line: row.line }, `expected ${what === 'end' ? 'an' : 'a'} ${what} time in seconds or m:ss.xxx, got ${JSON.stringify(raw)}`)
  return t
}

function audacityLabels(rows: TableRow[], file: string, musical: MusicalTime): RawSection[] {
  const out: RawSection[] = []
  for (const row of rows) {
    // `\<TAB>low<TAB>high`: the frequency range Audacity's extended label format adds under a label.
    if (row.cells[0] === '\\') continue
    const start = time(row, 0, 'start', file, musical)!
    const end = time(row, 1, 'end', file, musical, true)
    if (end !== undefined && end < start) throw new FileFormatError(file, { line: row.line }, `label ends (${row.cells[1]}) before it starts (${row.cells[0]})`)
    // Point labels (end == start) mark a boundary, not a span.
    out.push({ start, end: end !== undefined && end > start ? end : undefined, name: row.cells[2] ?? '', at: { line: row.line } })
  }
  return out
}
