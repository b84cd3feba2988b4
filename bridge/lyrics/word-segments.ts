/** Joins timed text segments (syllables or words, as LRC word tags, .kar and UltraStar give them) into words. */
import type { Seconds } from '../analysis/types.js'

/** A piece of text starting at a time; `end` where the source gives one. */
export type Segment = { start: Seconds; end?: Seconds; text: string }

export type TimedWord = { start: Seconds; end?: Seconds; text: string }

/**
 * Segments that touch without whitespace between them are syllables of one word ("Hel" + "lo");
 * whitespace at either side starts a new word. An empty segment only ends the previous word.
 */
export function joinSegments(segments: Segment[]): TimedWord[] {
  const words: TimedWord[] = []
  let open = false
  for (const seg of segments) {
    if (seg.text.trim() === '') {
      const last = words.at(-1)
      if (last && last.end === undefined && open) last.end = seg.start
      open = false
      continue
    }
    const startsWord = !open || /^\s/.test(seg.text)
    const last = words.at(-1)
    if (!startsWord && last) {
      last.text += seg.text.trim()
      last.end = seg.end
    } else {
      words.push({ start: seg.start, end: seg.end, text: seg.text.trim() })
    }
    open = !/\s$/.test(seg.text)
  }
  return words
}
