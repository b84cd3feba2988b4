/** Last guard of every lyric and section reader: times a file produced must be finite seconds within a day. */
import type { LyricLine, SectionSpan } from '../analysis/types.js'
import { FileFormatError } from './file-format-error.js'

/** Latest time a lyric or section file may use, seconds (24 h: the longest song `serve --max-duration` takes). */
export const MAX_FILE_SECONDS = 24 * 3600

const inRange = (t: number): boolean => Number.isFinite(t) && t >= 0 && t <= MAX_FILE_SECONDS

function refuse(file: string, what: string, t: number): never {
  throw new FileFormatError(file, {}, `${what} has a time of ${t} s: expected finite times in [0, ${MAX_FILE_SECONDS}] s (a number too large, or a negative beat or gap?)`)
}

/** Throws a FileFormatError naming the first line whose start, end or word times are out of range or whose end is not after its start. */
export function checkLineTimes(lines: LyricLine[], file: string): LyricLine[] {
  for (const l of lines) {
    const what = `lyric line ${JSON.stringify(l.text.slice(0, 40))}`
    for (const t of [l.start, l.end, ...(l.words ?? []).flatMap((w) => [w.start, w.end])]) if (!inRange(t)) refuse(file, what, t)
    if (!(l.end > l.start)) refuse(file, what, l.end)
  }
  return lines
}

/** The same for sections. */
export function checkSpanTimes(spans: SectionSpan[], file: string): SectionSpan[] {
  for (const s of spans) {
    const what = `section ${JSON.stringify(s.name.slice(0, 40))}`
    for (const t of [s.start, s.end]) if (!inRange(t)) refuse(file, what, t)
  }
  return spans
}
