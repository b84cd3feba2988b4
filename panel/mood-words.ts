/** Finds the lyric words that carry the mood (those the conflicts name), so the lyric lane can mark them. */
import type { Conflict, LyricLine, MoodWord, Seconds } from '../bridge/analysis/types.js'

/** A piece of a lyric line: a word or the text between words, with the mood word it matched. */
export type LyricToken = { text: string; mood: MoodWord | null }

/** How far a word's time may be from a mood word's time to be the same occurrence, seconds. */
const SAME_WORD: Seconds = 1.5

/** Lower-case letters and digits only: how words are compared. */
export function normaliseWord(word: string): string {
  return word.normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}']/gu, '')
}

/** Splits a line into words and separators and marks each word the overlapping conflicts name. */
export function tokenizeLine(line: LyricLine, conflicts: readonly Conflict[]): LyricToken[] {
  const relevant = conflicts.filter((c) => c.end > line.start && c.start < line.end)
  const parts = line.text.split(/(\s+)/).filter((p) => p.length > 0)
  const wordTimes = line.words && line.words.length > 0 ? line.words : null
  let wordIndex = 0
  return parts.map((text) => {
    if (/^\s+$/.test(text) || relevant.length === 0) return { text, mood: null }
    const key = normaliseWord(text)
    const at = wordTimes?.[wordIndex++]
    if (!key) return { text, mood: null }
    for (const c of relevant) {
      for (const w of c.lyrics?.words ?? []) {
        if (normaliseWord(w.word) !== key) continue
        if (w.t !== undefined && at && Math.abs(w.t - at.start) > SAME_WORD) continue
        return { text, mood: w }
      }
    }
    return { text, mood: null }
  })
}
