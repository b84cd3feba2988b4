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
  const key = Array.isArray(doc) ? null : (['sections', 'regions', 'markers'].find((k) => obj?.[k] !== undefined && obj[k] !== null) ?? null)
  const list = key === null ? doc : obj[key]
  if (!Array.isArray(list)) {
    throw new FileFormatError(file, {}, 'expected a JSON array of {start, end, name} or an object with a "sections" array')
  }
  const lines = itemLines(text, key)
  return list.map((item, i) => {
    const where = `section ${i + 1}`
    const line = lines[i]
    if (typeof item !== 'object' || item === null) throw new FileFormatError(file, { line }, `${where}: expected an object {start, end, name}, got ${JSON.stringify(item)}`)
    const rec = item as Record<string, unknown>
    const start = toTime(rec.start ?? rec.time ?? rec.position, `${where} start`, file, line, musical)
    const endRaw = rec.end ?? (typeof rec.length === 'number' && start !== undefined ? start + rec.length : undefined)
    const end = endRaw === undefined || endRaw === null ? undefined : toTime(endRaw, `${where} end`, file, line, musical)
    if (start === undefined) throw new FileFormatError(file, { line }, `${where}: expected a start time, got none`)
    if (end !== undefined && end < start) throw new FileFormatError(file, { line }, `${where}: ends (${end}) before it starts (${start})`)
    const name = rec.name ?? rec.label ?? rec.title ?? ''
    return { start, end, name: String(name), at: line === undefined ? undefined : { line } }
  })
}

function toTime(v: unknown, what: string, file: string, line: number | undefined, musical: MusicalTime): number | undefined {
  if (v === undefined || v === null) return undefined
  const t = typeof v === 'number' ? v : typeof v === 'string' ? parseSectionTime(v, musical) : null
  if (t === 'needs-tempo') throw new FileFormatError(file, { line }, `${what} ${JSON.stringify(v)} is in measures.beats; pass the tempo (--tempo BPM)`)
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    throw new FileFormatError(file, { line }, `${what}: expected seconds (a number >= 0) or m:ss.xxx, got ${JSON.stringify(v)}`)
  }
  return t
}

/**
 * Line of each item of the sections array (`out[i]` for `list[i]`): the root array, or the array under
 * `key` in the root object (other arrays, such as an analysis's `frames`, are skipped). One pass over text JSON.parse accepted.
 */
function itemLines(text: string, key: string | null): number[] {
  const out: number[] = []
  const targetDepth = key === null ? 1 : 2
  let depth = 0
  let line = 1
  let inTarget = false
  let expectItem = false
  let lastKey = ''
  for (let k = 0; k < text.length; k++) {
    const ch = text[k]!
    if (ch === '\n') line++
    if (ch === '\n' || ch === ' ' || ch === '\t' || ch === '\r') continue
    if (expectItem && ch !== ']') out.push(line)
    expectItem = false
    if (ch === '"') {
      const from = k
      for (k++; k < text.length && text[k] !== '"'; k++) if (text[k] === '\\') k++
      if (depth === 1) lastKey = text.slice(from, k + 1)
    } else if (ch === '[' || ch === '{') {
      depth++
      if (ch === '[' && depth === targetDepth && (key === null || JSON.parse(lastKey) === key)) {
        out.length = 0 // a repeated key: JSON.parse keeps the last
        inTarget = expectItem = true
      }
    } else if (ch === ']' || ch === '}') {
      if (depth === targetDepth) inTarget = false
      depth--
    } else if (ch === ',' && inTarget && depth === targetDepth) expectItem = true
  }
  return out
}
