/** Last step of every section reader: sort, close open ends, trim overlaps, drop empty spans. */
import type { Seconds, SectionSpan, SectionSource } from '../analysis/types.js'
import type { FilePlace } from '../lyrics/file-format-error.js'
import { nextLaterStart } from '../lyrics/next-start.js'

/** A section as read; `end` absent where the file gives only a start (markers); `at` where the file has it, for error messages. */
export type RawSection = { start: Seconds; end?: Seconds; name: string; at?: FilePlace }

export type FinishSectionOptions = {
  /** Song duration: the last open section ends here */
  duration?: Seconds
  /** Where the sections came from, default 'file' */
  source?: SectionSource
}

/** Length given to a final open section when the duration is unknown and no other section hints one. */
const defaults = { openLength: 30 as Seconds }

/**
 * Sorted, non-overlapping sections. A section without an end runs to the next start (or the
 * duration, or the mean length of the others); one that overlaps the next is cut where the next starts.
 */
export function finishSections(raw: RawSection[], opts: FinishSectionOptions = {}): SectionSpan[] {
  return finishSectionsAt(raw, opts).spans
}

/** finishSections, also saying where each span is in its file (`at[i]` for `spans[i]`, from the raw section's `at`). */
export function finishSectionsAt(raw: RawSection[], opts: FinishSectionOptions = {}): { spans: SectionSpan[]; at: (FilePlace | undefined)[] } {
  const sorted = raw.map((s, i) => ({ s, i })).sort((a, b) => a.s.start - b.s.start || a.i - b.i).map(({ s }) => s)
  // A final open section lasts as long as the others do on average (closed spans, else marker gaps).
  const closed = sorted.filter((s) => s.end !== undefined && s.end > s.start).map((s) => s.end! - s.start)
  const gaps = sorted.slice(1).map((s, i) => s.start - sorted[i]!.start).filter((g) => g > 0)
  const lengths = closed.length > 0 ? closed : gaps
  const meanLength = lengths.length > 0 ? lengths.reduce((a, b) => a + b, 0) / lengths.length : defaults.openLength
  const out: SectionSpan[] = []
  const at: (FilePlace | undefined)[] = []
  const later = nextLaterStart(sorted)
  for (let i = 0; i < sorted.length; i++) {
    const s = sorted[i]!
    if (out.at(-1)?.start === s.start) continue // two sections at one time: the first listed wins
    const next = later[i]
    let end = s.end ?? next?.start ?? (opts.duration !== undefined && opts.duration > s.start ? opts.duration : s.start + meanLength)
    if (next && end > next.start) end = next.start
    if (opts.duration !== undefined && opts.duration > s.start) end = Math.min(end, opts.duration)
    if (end > s.start) {
      out.push({ start: s.start, end, name: s.name.trim() || `Section ${out.length + 1}`, source: opts.source ?? 'file' })
      at.push(s.at)
    }
  }
  return { spans: out, at }
}
