/**
 * Shared last step of every lyric parser: sort by start, give each line and word an end where the
 * file gave none (the next line's start, the song's end, or a length estimated from the words).
 */
import type { LyricLine, Seconds } from '../analysis/types.js'
import type { FilePlace } from './file-format-error.js'
import { nextLaterStart } from './next-start.js'

/** A line as a parser found it; `end` absent where the format gives no end time. */
export type RawLine = {
  start: Seconds
  end?: Seconds
  text: string
  words?: { start: Seconds; end?: Seconds; text: string }[]
  /** Where the file has this line, for error messages */
  at?: FilePlace
}

export type FinishOptions = {
  /** Song duration: the last line ends here at the latest */
  duration?: Seconds
}

/**
 * Lengths for lines the file gives no end: the last line lasts secondsPerWord per word (within
 * [minLastLine, maxLastLine]); any line lasts at most maxInferred (or maxSecondsPerWord per word),
 * so a line before an instrumental break does not cover the break.
 */
const defaults = { secondsPerWord: 0.5, minLastLine: 2, maxLastLine: 8, maxInferred: 10, maxSecondsPerWord: 1.2 }

/** Sorts lines (stable) and fills in missing end times; drops lines whose text is empty. */
export function finishLines(raw: RawLine[], opts: FinishOptions = {}): LyricLine[] {
  return finishLinesAt(raw, opts).lines
}

/** finishLines, also saying where each finished line is in its file (`at[i]` for `lines[i]`, from the raw line's `at`). */
export function finishLinesAt(raw: RawLine[], opts: FinishOptions = {}): { lines: LyricLine[]; at: (FilePlace | undefined)[] } {
  const lines = raw
    .map((l, i) => ({ l, i }))
    .sort((a, b) => a.l.start - b.l.start || a.i - b.i)
    .map(({ l }) => l)
  const out: LyricLine[] = []
  const at: (FilePlace | undefined)[] = []
  const later = nextLaterStart(lines)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const nextStart = later[i]?.start
    const text = line.text.trim()
    if (!text) continue
    let end = line.end
    if (end === undefined) {
      const lastWord = line.words?.at(-1)
      const wordEnd = lastWord?.end
      if (wordEnd !== undefined && wordEnd > line.start) end = wordEnd
      else if (nextStart !== undefined) end = Math.min(nextStart, line.start + maxInferred(text))
      else end = estimateEnd(line.start, text)
    }
    if (opts.duration !== undefined && opts.duration > line.start) end = Math.min(end, opts.duration)
    if (!(end > line.start)) end = line.start + defaults.minLastLine
    const finished: LyricLine = { start: line.start, end, text }
    if (line.words && line.words.length > 0) {
      finished.words = line.words
        .filter((w) => w.text.trim() !== '')
        .map((w, k, ws) => {
          const next = ws[k + 1]?.start
          const wEnd = w.end ?? (next !== undefined && next > w.start ? next : end)
          return { start: w.start, end: Math.max(wEnd, w.start), text: w.text.trim() }
        })
    }
    out.push(finished)
    at.push(line.at)
  }
  return { lines: out, at }
}

const wordCount = (text: string): number => text.split(/\s+/).filter(Boolean).length

function maxInferred(text: string): Seconds {
  return Math.max(defaults.maxInferred, wordCount(text) * defaults.maxSecondsPerWord)
}

function estimateEnd(start: Seconds, text: string): Seconds {
  return start + Math.min(defaults.maxLastLine, Math.max(defaults.minLastLine, wordCount(text) * defaults.secondsPerWord))
}
