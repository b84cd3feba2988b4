/**
 * UltraStar karaoke .txt: `#BPM:` and `#GAP:` (ms) headers, then notes `: beat length pitch syllable`
 * (`*` golden, `F`/`R`/`G` freestyle and rap), `- beat` line breaks, `E` end, `P1`/`P2` duet
 * voices, `#RELATIVE:yes` beats counted from each line break. One beat lasts 60 / (BPM * 4) s.
 */
import { FileFormatError } from './file-format-error.js'
import type { RawLine } from './finish-lines.js'
import { joinSegments, type Segment } from './word-segments.js'

const NOTE = /^([:*FRG]) *(-?\d+) +(\d+) +(-?\d+) ?(.*)$/
const BREAK = /^- *(-?\d+)(?: +(-?\d+))?\s*$/

/** Parses UltraStar text into lines with word times. */
export function parseUltraStar(text: string, file = '<input>'): RawLine[] {
  const rows = text.split(/\r\n|\r|\n/)
  const headers = new Map<string, { value: string; line: number }>()
  let i = 0
  for (; i < rows.length; i++) {
    const row = rows[i]!.trim()
    if (row === '') continue
    if (!row.startsWith('#')) break
    const colon = row.indexOf(':')
    if (colon > 0) headers.set(row.slice(1, colon).trim().toUpperCase(), { value: row.slice(colon + 1).trim(), line: i + 1 })
  }
  const bpm = headerNumber(headers, 'BPM', file, true)!
  if (!(bpm > 0)) throw new FileFormatError(file, { line: headers.get('BPM')!.line }, `#BPM must be positive, got ${headers.get('BPM')!.value}`)
  const gap = (headerNumber(headers, 'GAP', file, false) ?? 0) / 1000
  const relative = /^(yes|true|1)$/i.test(headers.get('RELATIVE')?.value ?? '')
  const beat = 60 / (bpm * 4)
  const at = (b: number) => gap + b * beat

  const lines: RawLine[] = []
  let segments: Segment[] = []
  let firstNoteLine = 0
  let base = 0
  const flush = () => {
    if (segments.length === 0) return
    const words = joinSegments(segments)
    lines.push({
      start: segments[0]!.start,
      end: segments.at(-1)!.end,
      text: words.map((w) => w.text).join(' '),
      words,
      at: { line: firstNoteLine },
    })
    segments = []
  }
  for (; i < rows.length; i++) {
    const lineNo = i + 1
    const row = rows[i]!
    if (row.trim() === '') continue
    if (row.trim() === 'E') break
    if (/^P\s*\d+\s*$/.test(row.trim())) {
      flush()
      base = 0
      continue
    }
    const note = NOTE.exec(row)
    if (note) {
      const start = Number(note[2]) + base
      const length = Number(note[3])
      const syllable = note[5]!.replace(/~/g, '')
      if (segments.length === 0) firstNoteLine = lineNo
      segments.push({ start: at(start), end: at(start + length), text: syllable })
      continue
    }
    const br = BREAK.exec(row)
    if (br) {
      flush()
      if (relative) base += Number(br[2] ?? br[1])
      continue
    }
    throw new FileFormatError(file, { line: lineNo }, `expected a note ": beat length pitch text", a line break "- beat" or "E", got ${JSON.stringify(row.slice(0, 40))}`)
  }
  flush()
  return lines
}

function headerNumber(headers: Map<string, { value: string; line: number }>, name: string, file: string, required: boolean): number | undefined {
  const h = headers.get(name)
  if (!h) {
    if (required) throw new FileFormatError(file, { line: 1 }, `an UltraStar file needs a #${name}: header`)
    return undefined
  }
  const n = Number(h.value.replace(',', '.'))
  if (!Number.isFinite(n)) throw new FileFormatError(file, { line: h.line }, `#${name} must be a number, got ${JSON.stringify(h.value)}`)
  return n
}
