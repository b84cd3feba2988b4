/** The lyric context of a window: the lines sung inside it, then the rest of its section's lines. */
import type { LyricLine, Seconds, SectionSpan } from './types.js'

/** Lines that overlap [start, end), in time order. */
export function linesIn(lines: readonly LyricLine[], start: Seconds, end: Seconds): LyricLine[] {
  return lines.filter((l) => l.start < end && l.end > start).sort((a, b) => a.start - b.start)
}

/**
 * The lines that belong to [start, end): those whose middle falls inside. A line that only overlaps the
 * edge (an LRC line running on until the next one starts, 1 s into the Outro) belongs to its own section.
 */
export function linesOf(lines: readonly LyricLine[], start: Seconds, end: Seconds): LyricLine[] {
  return lines.filter((l) => (l.start + l.end) / 2 >= start && (l.start + l.end) / 2 < end).sort((a, b) => a.start - b.start)
}

/** The section whose span holds time t (the later one where spans touch), or undefined. */
export function sectionAt(spans: readonly SectionSpan[], t: Seconds): SectionSpan | undefined {
  let found: SectionSpan | undefined
  for (const s of spans) if (t >= s.start && t < s.end) found = s
  return found
}

/**
 * Text for the text encoder: lines sung in [start, end) first (they survive truncation to
 * max_tokens), then the other lines of the section holding the window's centre; one line per row.
 * Where a section is known, only its own lines (see linesOf) are read: a window reaching over the
 * section's edge does not bring the neighbour's lines into this section's reading.
 */
export function lyricContext(lines: readonly LyricLine[], start: Seconds, end: Seconds, spans: readonly SectionSpan[] = []): string {
  const section = sectionAt(spans, (start + end) / 2)
  const own = section ? linesOf(lines, section.start, section.end) : null
  const inside = linesIn(lines, start, end).filter((l) => !own || own.includes(l))
  const rest = own ? own.filter((l) => !inside.includes(l)) : []
  const seen = new Set<string>()
  const texts: string[] = []
  for (const l of [...inside, ...rest]) {
    const text = l.text.trim()
    // a chorus repeated inside one context adds no information and costs tokens
    if (text && !seen.has(text)) {
      seen.add(text)
      texts.push(text)
    }
  }
  return texts.join('\n')
}
