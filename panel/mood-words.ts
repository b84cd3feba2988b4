/**
 * Finds the lyric words that carry the mood, so the lyric lane can mark them: the words a conflict
 * names first, then the words of the section the line lies in.
 */
import type { Conflict, LyricLine, MoodWord, Section, Seconds } from '../bridge/analysis/types.js'

/** Where a marked word's mood comes from: a conflict (lyrics and music disagree) or its section's lyrics. */
export type MoodSource = 'conflict' | 'section'

/** A piece of a lyric line: a word or the text between words, with the mood word it matched and from where. */
export type LyricToken = { text: string; mood: MoodWord | null; source: MoodSource | null }

/** How far a word's time may be from a mood word's time to be the same occurrence, seconds. */
const SAME_WORD: Seconds = 1.5

/** Lower-case letters and digits only: how words are compared. */
export function normaliseWord(word: string): string {
  return word.normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}']/gu, '')
}

// feed data is untrusted: a malformed word list marks nothing rather than breaking the lane
const isMoodWord = (w: unknown): w is MoodWord =>
  typeof w === 'object' && w !== null && typeof (w as MoodWord).word === 'string' && Number.isFinite((w as MoodWord).valence)
const moodWords = (words: unknown): MoodWord[] => (Array.isArray(words) ? words.filter(isMoodWord) : [])

/**
 * Splits a line into words and separators and marks each word that the overlapping conflicts name
 * or, failing that, that the overlapping sections carry.
 */
export function tokenizeLine(line: LyricLine, conflicts: readonly Conflict[], sections: readonly Section[] = []): LyricToken[] {
  const overlaps = (s: { start: Seconds; end: Seconds }) => s.end > line.start && s.start < line.end
  const lists: [MoodSource, MoodWord[]][] = [
    ...conflicts.filter(overlaps).map((c): [MoodSource, MoodWord[]] => ['conflict', moodWords(c.lyrics?.words)]),
    ...sections.filter(overlaps).map((s): [MoodSource, MoodWord[]] => ['section', moodWords(s.lyrics?.words)]),
  ].filter(([, words]) => words.length > 0)
  const parts = line.text.split(/(\s+)/).filter((p) => p.length > 0)
  const wordTimes = line.words && line.words.length > 0 ? line.words : null
  let wordIndex = 0
  return parts.map((text) => {
    if (/^\s+$/.test(text) || lists.length === 0) return { text, mood: null, source: null }
    const key = normaliseWord(text)
    const at = wordTimes?.[wordIndex++]
    if (!key) return { text, mood: null, source: null }
    for (const [source, words] of lists) {
      for (const w of words) {
        if (normaliseWord(w.word) !== key) continue
        if (w.t !== undefined && at && Math.abs(w.t - at.start) > SAME_WORD) continue
        return { text, mood: w, source }
      }
    }
    return { text, mood: null, source: null }
  })
}
