/**
 * Sections from JSON: an array of `{start, end?, name}` (also `label`/`title`, times in seconds or
 * clock strings), or an object holding one under `sections`, `regions` or `markers` (an
 * `emolane analyze` result works too).
 */
import { FileFormatError } from '../lyrics/file-format-error.js'
import type { RawSection } from './finish-sections.js'
import { parseSectionTime, type MusicalTime } from './section-time.js'

/** Parses JSON section text. */
export function parseSectionJson(text: string, file: string, musical: MusicalTime = {}): RawSection[] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (cause) {
    const pos = /position (\d+)/.exec((cause as Error).message)
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined
    throw new FileFormatError(file, { line }, `not valid JSON: ${(cause as Error).message}`, { cause })
  }
  const obj = doc as Record<string, unknown>
  const list = Array.isArray(doc) ? doc : (obj?.sections ?? obj?.regions ?? obj?.markers)
  if (!Array.isArray(list)) {
    throw new FileFormatError(file, {}, 'expected a JSON array of {start, end, name} or an object with a "sections" array')
  }
  return list.map((item, i) => {
    const where = `section ${i + 1}`
    if (typeof item !== 'object' || item === null) throw new FileFormatError(file, { line: lineOf(text, i) }, `${where}: expected an object {start, end, name}, got ${JSON.stringify(item)}`)
    const rec = item as Record<string, unknown>
    const start = toTime(rec.start ?? rec.time ?? rec.position, `${where} start`, file, text, i, musical)
    const endRaw = rec.end ?? (typeof rec.length === 'number' && start !== undefined ? start + rec.length : undefined)
    const end = endRaw === undefined || endRaw === null ? undefined : toTime(endRaw, `${where} end`, file, text, i, musical)
    if (start === undefined) throw new FileFormatError(file, { line: lineOf(text, i) }, `${where}: expected a start time, got none`)
    if (end !== undefined && end < start) throw new FileFormatError(file, { line: lineOf(text, i) }, `${where}: ends (${end}) before it starts (${start})`)
    const name = rec.name ?? rec.label ?? rec.title ?? ''
    return { start, end, name: String(name) }
  })
}

function toTime(v: unknown, what: string, file: string, text: string, i: number, musical: MusicalTime): number | undefined {
  if (v === undefined || v === null) return undefined
  const t = typeof v === 'number' ? v : typeof v === 'string' ? parseSectionTime(v, musical) : null
  if (t === 'needs-tempo') throw new FileFormatError(file, { line: lineOf(text, i) }, `${what} ${JSON.stringify(v)} is in measures.beats; pass the tempo (--tempo BPM)`)
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    throw new FileFormatError(file, { line: lineOf(text, i) }, `${what}: expected seconds (a number >= 0) or m:ss.xxx, got ${JSON.stringify(v)}`)
  }
  return t
}

/** Best-effort line of the i-th object in a top-level array: the line of its opening brace. */
function lineOf(text: string, i: number): number | undefined {
  let depth = 0
  let count = -1
  let inString = false
  let line = 1
  for (let k = 0; k < text.length; k++) {
    const ch = text[k]!
    if (ch === '\n') line++
    if (inString) {
      if (ch === '\\') k++
      else if (ch === '"') inString = false
      continue
    }
    if (ch === '"') inString = true
    else if (ch === '{' || ch === '[') {
      if (ch === '{' && depth >= 1) {
        // Objects directly inside the sections array.
        if (depth === (text.trimStart().startsWith('[') ? 1 : 2)) count++
        if (count === i) return line
      }
      depth++
    } else if (ch === '}' || ch === ']') depth--
  }
  return undefined
}
