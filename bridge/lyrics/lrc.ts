/**
 * LRC lyrics: `[mm:ss.xx]line`, several time tags per line for repeats, enhanced word tags
 * `<mm:ss.xx>`, ID tags (`[ar:...]`) and `[offset:±ms]` (positive shows lyrics sooner).
 * A time tag with no text ends the previous line.
 */
import type { Seconds } from '../analysis/types.js'
import { parseClock } from './clock-time.js'
import { FileFormatError } from './file-format-error.js'
import type { RawLine } from './finish-lines.js'
import { nextLaterStart } from './next-start.js'
import { joinSegments, type Segment } from './word-segments.js'

const TIME_TAG = /^\[([^\]]*)\]/
const ID_TAG = /^\[([A-Za-z#][A-Za-z0-9_# -]*):([^\]]*)\]\s*$/
const WORD_TAG = /<([^>]*)>/g
/** Timed lines and words a file may expand to: each time tag repeats its line's word tags, so a small file could otherwise ask for billions. */
const MAX_EXPANDED = 250_000

/** Parses LRC text into raw lines (times corrected by the offset tag). */
export function parseLrc(text: string, file = '<input>'): RawLine[] {
  const lines: RawLine[] = []
  let offsetMs = 0
  let expanded = 0
  const rows = text.split(/\r\n|\r|\n/)
  for (let i = 0; i < rows.length; i++) {
    const lineNo = i + 1
    const row = rows[i]!.trim()
    if (row === '') continue
    const id = ID_TAG.exec(row)
    if (id) {
      if (id[1]!.toLowerCase() === 'offset') {
        const ms = Number(id[2]!.trim())
        if (!Number.isFinite(ms)) throw new FileFormatError(file, { line: lineNo }, `[offset:] must be milliseconds like [offset:+250], got ${row}`)
        offsetMs = ms
      }
      continue
    }
    if (!row.startsWith('[')) {
      throw new FileFormatError(file, { line: lineNo }, `expected a time tag like [01:23.45] at the start of the line, got ${JSON.stringify(row.slice(0, 40))}`)
    }
    const times: Seconds[] = []
    let rest = row
    for (let m = TIME_TAG.exec(rest); m; m = TIME_TAG.exec(rest)) {
      const t = parseClock(m[1]!, { colonFraction: true })
      if (t === null) throw new FileFormatError(file, { line: lineNo }, `expected a time tag like [01:23.45], got [${m[1]}]`)
      times.push(t)
      rest = rest.slice(m[0].length)
    }
    const { text: lineText, segments } = parseWordTags(rest, file, lineNo)
    expanded += times.length * Math.max(1, segments.length)
    if (expanded > MAX_EXPANDED) {
      throw new FileFormatError(file, { line: lineNo }, `the file expands to more than ${MAX_EXPANDED} timed lines and words (this line: ${times.length} time tags x ${segments.length} word tags); expected the lyrics of a song`)
    }
    for (const t of times) {
      const words = segments.length > 0 ? joinSegments(shiftSegments(segments, t, times[0]!)) : undefined
      lines.push({ start: t, text: lineText, words, at: { line: lineNo } })
    }
  }
  const shift = offsetMs / 1000
  const shifted = lines.map((l) => ({
    start: Math.max(0, l.start - shift),
    text: l.text,
    words: l.words?.map((w) => ({ ...w, start: Math.max(0, w.start - shift), end: w.end === undefined ? undefined : Math.max(0, w.end - shift) })),
    at: l.at,
  }))
  return endAtEmptyTags(shifted)
}

/** Word tags in a repeated line are relative to its first occurrence. */
function shiftSegments(segments: Segment[], at: Seconds, first: Seconds): Segment[] {
  return segments.map((s) => ({ ...s, start: s.start - first + at }))
}

function parseWordTags(rest: string, file: string, lineNo: number): { text: string; segments: Segment[] } {
  const segments: Segment[] = []
  const tags = [...rest.matchAll(WORD_TAG)]
  for (let k = 0; k < tags.length; k++) {
    const tag = tags[k]!
    const t = parseClock(tag[1]!, { colonFraction: true })
    if (t === null) throw new FileFormatError(file, { line: lineNo }, `expected a word time tag like <01:23.45>, got <${tag[1]}>`)
    const from = tag.index! + tag[0].length
    const to = tags[k + 1]?.index ?? rest.length
    segments.push({ start: t, text: rest.slice(from, to) })
  }
  const plain = rest.replace(WORD_TAG, '').replace(/\s+/g, ' ').trim()
  return { text: plain, segments }
}

/** A timed empty line marks where the previous line stops being sung. */
function endAtEmptyTags(lines: RawLine[]): RawLine[] {
  const sorted = [...lines].sort((a, b) => a.start - b.start)
  const out: RawLine[] = []
  const later = nextLaterStart(sorted)
  for (let i = 0; i < sorted.length; i++) {
    const line = sorted[i]!
    if (line.text === '') continue
    const next = later[i]
    if (next && next.text === '' && line.end === undefined) out.push({ ...line, end: next.start })
    else out.push(line)
  }
  return out
}
