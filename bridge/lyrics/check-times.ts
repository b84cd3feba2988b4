/** Last guard of every lyric and section reader: times a file produced must be finite seconds within a day. */
import type { LyricLine, SectionSpan } from '../analysis/types.js'
import { FileFormatError, type FilePlace } from './file-format-error.js'

/** Latest time a lyric or section file may use, seconds (24 h: the longest song `serve --max-duration` takes). */
export const MAX_FILE_SECONDS = 24 * 3600

const inRange = (t: number): boolean => Number.isFinite(t) && t >= 0 && t <= MAX_FILE_SECONDS

function refuse(file: string, what: string, t: number, at: FilePlace | undefined): never {
  const line = at && 'line' in at ? at.line : undefined
  const midi = at && 'track' in at ? ` (track ${at.track}, tick ${at.tick})` : ''
  throw new FileFormatError(file, { line }, `${what}${midi} has a time of ${t} s: expected finite times in [0, ${MAX_FILE_SECONDS}] s (a number too large, or a negative beat or gap?)`)
}

/**
 * Throws a FileFormatError naming the first line whose start, end or word times are out of range or
 * whose end is not after its start; `at[i]`, where known, says where line i is in the file.
 */
export function checkLineTimes(lines: LyricLine[], file: string, at: readonly (FilePlace | undefined)[] = []): LyricLine[] {
  lines.forEach((l, i) => {
    const what = `lyric line ${JSON.stringify(l.text.slice(0, 40))}`
    for (const t of [l.start, l.end, ...(l.words ?? []).flatMap((w) => [w.start, w.end])]) if (!inRange(t)) refuse(file, what, t, at[i])
    if (!(l.end > l.start)) refuse(file, what, l.end, at[i])
  })
  return lines
}

/** The same for sections. */
export function checkSpanTimes(spans: SectionSpan[], file: string, at: readonly (FilePlace | undefined)[] = []): SectionSpan[] {
  spans.forEach((s, i) => {
    for (const t of [s.start, s.end]) if (!inRange(t)) refuse(file, sectionWhat(s.name), t, at[i])
  })
  return spans
}

/**
 * Sections' starts as the file gives them, checked before ends are inferred: a marker far out is
 * named itself, not the section before it (which would end there), nor dropped unseen.
 */
export function checkSectionStarts(raw: readonly { start: number; name: string; at?: FilePlace }[], file: string): void {
  for (const s of raw) if (!inRange(s.start)) refuse(file, sectionWhat(s.name), s.start, s.at)
}

const sectionWhat = (name: string): string => `section ${JSON.stringify(name.trim().slice(0, 40))}`
