/**
 * SubRip (.srt) and WebVTT (.vtt) cues as lyric lines. Both are blocks separated by blank lines with
 * a `start --> end` timing line; a cue's text lines join into one lyric line. WebVTT karaoke
 * timestamps inside a cue (`<00:01:02.500>`) become word times; markup tags are dropped.
 */
import type { Seconds } from '../analysis/types.js'
import { parseClock } from './clock-time.js'
import { FileFormatError } from './file-format-error.js'
import type { RawLine } from './finish-lines.js'
import { joinSegments, type Segment } from './word-segments.js'

const ARROW = /^\s*(\S+)\s+-->\s+(\S+)(.*)$/
const INLINE_TIME = /<(\d+(?::\d+){1,2}[.,]\d+)>/g
/** A line that starts like a timing line but lacks a proper " --> ": a time, then an arrow-ish mark and a digit. */
const BROKEN_TIMING = /^\s*\d+:\d{2}(?::\d{2})?(?:[.,]\d+)?\s*(?:-{1,3}>?|=>|[–—→])\s*\d/

type Cue = { timing: string; timingLine: number; text: string[] }

/** Parses SubRip text. Cue numbers are optional; '.' and ',' both separate milliseconds. */
export function parseSrt(text: string, file = '<input>'): RawLine[] {
  return cues(text.split(/\r\n|\r|\n/), 0, file).map((c) => cueToLine(c, file, false))
}

/** Parses WebVTT text: header, NOTE/STYLE/REGION blocks, cue ids, cue settings, inline timestamps. */
export function parseVtt(text: string, file = '<input>'): RawLine[] {
  const rows = text.split(/\r\n|\r|\n/)
  if (!/^WEBVTT(?:[ \t].*)?$/.test(rows[0]?.replace(/^\uFEFF/, '') ?? '')) {
    throw new FileFormatError(file, { line: 1 }, `a WebVTT file must start with "WEBVTT", got ${JSON.stringify((rows[0] ?? '').slice(0, 40))}`)
  }
  let i = 1
  while (i < rows.length && rows[i]!.trim() !== '') i++ // header lines
  return cues(rows, i, file).map((c) => cueToLine(c, file, true))
}

function cues(rows: string[], from: number, file: string): Cue[] {
  const out: Cue[] = []
  let i = from
  while (i < rows.length) {
    while (i < rows.length && rows[i]!.trim() === '') i++
    if (i >= rows.length) break
    const blockStart = i
    const block: string[] = []
    while (i < rows.length && rows[i]!.trim() !== '') block.push(rows[i++]!)
    if (/^(NOTE|STYLE|REGION)(\s|$)/.test(block[0]!)) continue
    const t = block.findIndex((r) => r.includes('-->'))
    // a block without a timing line continues the cue before (a blank line inside its text, as some
    // editors write), unless it starts with a cue number or a mistyped timing line ("->", "—")
    if (t < 0 && out.length > 0 && !/^\d+$/.test(block[0]!.trim()) && !BROKEN_TIMING.test(block[0]!)) {
      for (const row of block) out.at(-1)!.text.push(row) // a loop: a huge block must not overflow the stack
      continue
    }
    if (t < 0) {
      const k = /^\d+$/.test(block[0]!.trim()) && block.length > 1 ? 1 : 0 // skip the cue number
      throw new FileFormatError(file, { line: blockStart + 1 + k }, `expected a timing line like "00:01:02,500 --> 00:01:05,000" (two dashes and ">"), got ${JSON.stringify(block[k]!.trim().slice(0, 40))}`)
    }
    if (t > 1) {
      throw new FileFormatError(file, { line: blockStart + 2 }, `expected the timing line right after the cue number, got ${JSON.stringify(block[1]!.slice(0, 40))}`)
    }
    out.push({ timing: block[t]!, timingLine: blockStart + t + 1, text: block.slice(t + 1) })
  }
  return out
}

function cueToLine(cue: Cue, file: string, vtt: boolean): RawLine {
  const m = ARROW.exec(cue.timing)
  const start = m ? parseClock(m[1]!) : null
  const end = m ? parseClock(m[2]!) : null
  if (start === null || end === null) {
    throw new FileFormatError(file, { line: cue.timingLine }, `expected "start --> end" with times like 00:01:02,500, got ${JSON.stringify(cue.timing.trim())}`)
  }
  if (end < start) {
    throw new FileFormatError(file, { line: cue.timingLine }, `cue ends (${m![2]}) before it starts (${m![1]})`)
  }
  const raw = cue.text.join(' ')
  const words = vtt ? inlineWords(raw, start, end) : undefined
  return { start, end, text: stripTags(raw), words, at: { line: cue.timingLine } }
}

/**
 * Word times from a cue's karaoke timestamps. A timestamp outside the cue, or before the one ahead of
 * it, is not valid WebVTT: its words stay with the words before it rather than leave the cue.
 */
function inlineWords(raw: string, start: Seconds, end: Seconds): RawLine['words'] {
  const tags = [...raw.matchAll(INLINE_TIME)]
  if (tags.length === 0) return undefined
  const segments: Segment[] = [{ start, text: stripTags(raw.slice(0, tags[0]!.index), false) }]
  for (let k = 0; k < tags.length; k++) {
    const from = tags[k]!.index! + tags[k]![0].length
    const to = tags[k + 1]?.index ?? raw.length
    const text = stripTags(raw.slice(from, to), false)
    const at = parseClock(tags[k]![1]!)
    const last = segments.at(-1)!
    if (at === null || at < last.start || at > end) last.text += text
    else segments.push({ start: at, text })
  }
  return joinSegments(segments.filter((s, k) => k > 0 || s.text.trim() !== ''))
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', nbsp: ' ', quot: '"', apos: "'" }

function stripTags(s: string, collapse = true): string {
  const out = s
    .replace(/<[^>]*>/g, '')
    .replace(/\{\\[^}]*\}/g, '') // SSA-style overrides some SRT files carry
    .replace(/&(amp|lt|gt|nbsp|quot|apos);/g, (_, e: string) => ENTITIES[e]!)
  return collapse ? out.replace(/\s+/g, ' ').trim() : out
}
