/**
 * Untimed lyrics, one line per line, blank lines between stanzas. Lines are spread over the known
 * sections (a stanza per section, in order; a `[Chorus]` or `Chorus:` header picks the next section
 * of that name), else over the song's duration, else at a nominal pace. Each line gets time in
 * proportion to its word count.
 */
import type { Seconds, SectionSpan } from '../analysis/types.js'
import type { RawLine } from './finish-lines.js'

export type PlainTextOptions = {
  /** Sections to place stanzas in */
  sections?: SectionSpan[]
  /** Song duration, used when no sections are known */
  duration?: Seconds
  /** Seconds per line when neither sections nor duration are known, default 4 */
  secondsPerLine?: Seconds
}

const defaults = { secondsPerLine: 4 }

type Stanza = { header: string | null; lines: string[] }

const SECTION_WORDS = 'intro|verse|pre-?chorus|chorus|post-?chorus|hook|refrain|bridge|break|breakdown|solo|interlude|instrumental|outro|tag|coda|drop|build'
const BRACKET_HEADER = /^\s*\[\s*([^\]]+?)\s*\]\s*$/
const PAREN_HEADER = new RegExp(`^\\s*\\(\\s*((?:${SECTION_WORDS})(?:\\s*\\d+)?)\\s*\\)\\s*$`, 'i')
const COLON_HEADER = new RegExp(`^\\s*((?:${SECTION_WORDS})(?:\\s*\\d+)?)\\s*:\\s*$`, 'i')

/** Splits text into stanzas, reading section headers. */
export function readStanzas(text: string): Stanza[] {
  const stanzas: Stanza[] = []
  let current: Stanza = { header: null, lines: [] }
  const push = () => {
    if (current.lines.length > 0 || current.header !== null) stanzas.push(current)
    current = { header: null, lines: [] }
  }
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const row = raw.replace(/\s+/g, ' ').trim()
    if (row === '') {
      push()
      continue
    }
    // Genius-style "[Verse 1: Singer]" names the section before the colon.
    const header = BRACKET_HEADER.exec(row)?.[1]?.split(':')[0] ?? PAREN_HEADER.exec(row)?.[1] ?? COLON_HEADER.exec(row)?.[1] ?? null
    if (header !== null) {
      push()
      current.header = header
      continue
    }
    current.lines.push(row)
  }
  push()
  return stanzas.filter((s) => s.lines.length > 0)
}

/** Places untimed lines on the timeline. */
export function parsePlainText(text: string, opts: PlainTextOptions = {}): RawLine[] {
  const stanzas = readStanzas(text)
  if (stanzas.length === 0) return []
  const sections = [...(opts.sections ?? [])].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start)
  if (sections.length > 0) return overSections(stanzas, sections)
  const perLine = opts.secondsPerLine ?? defaults.secondsPerLine
  // A stanza break counts as one empty line of time.
  const slots = stanzas.reduce((n, s) => n + s.lines.length, 0) + stanzas.length - 1
  const end = opts.duration !== undefined && opts.duration > 0 ? opts.duration : slots * perLine
  const lines: string[] = []
  // loops, not push(...spread): a stanza of a million lines would overflow the call stack
  stanzas.forEach((s, k) => {
    if (k > 0) lines.push('')
    for (const l of s.lines) lines.push(l)
  })
  return spread(lines, 0, end).filter((l) => l.text !== '')
}

function overSections(stanzas: Stanza[], sections: SectionSpan[]): RawLine[] {
  const assigned = new Map<number, string[]>()
  let next = 0
  let last = 0
  for (const stanza of stanzas) {
    let idx = -1
    if (stanza.header !== null) {
      const want = normalise(stanza.header)
      idx = sections.findIndex((s, i) => i >= next && matches(normalise(s.name), want))
    }
    if (idx < 0) idx = next < sections.length ? next : last
    let into = assigned.get(idx)
    if (!into) assigned.set(idx, (into = []))
    for (const l of stanza.lines) into.push(l)
    last = idx
    next = Math.max(next, idx + 1)
  }
  const out: RawLine[] = []
  for (const [idx, lines] of [...assigned].sort((a, b) => a[0] - b[0])) {
    const s = sections[idx]!
    for (const l of spread(lines, s.start, s.end)) out.push(l)
  }
  return out
}

const normalise = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()

/** 'verse 1' matches 'verse 1' and 'verse'; 'chorus' matches 'chorus 2'. */
function matches(section: string, header: string): boolean {
  const bare = (s: string) => s.replace(/\s*\d+$/, '')
  return section === header || bare(section) === header || section === bare(header) || bare(section) === bare(header)
}

/** Lines share [start, end) in proportion to their word counts (an empty line weighs one word). */
function spread(lines: string[], start: Seconds, end: Seconds): RawLine[] {
  const weights = lines.map((l) => Math.max(1, l.split(' ').filter(Boolean).length))
  const total = weights.reduce((a, b) => a + b, 0)
  const out: RawLine[] = []
  let acc = 0
  for (let i = 0; i < lines.length; i++) {
    const a = start + ((end - start) * acc) / total
    acc += weights[i]!
    const b = start + ((end - start) * acc) / total
    out.push({ start: a, end: b, text: lines[i]! })
  }
  return out
}
