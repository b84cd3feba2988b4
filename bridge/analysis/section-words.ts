/** The words that carry each section's lyric mood, from the text encoder's word-level valence (token_va). */
import type { EmotionModel } from '../engine/emotion-model.js'
import type { WordPieceTokenizer } from '../engine/tokenizer.js'
import { moodCarriers } from './explain-conflict.js'
import { linesOf } from './lyric-context.js'
import type { LyricLine, MoodWord, Section, Seconds } from './types.js'

/** What reading a section's word moods needs from the model (encodings are cached there; a batch call, where there is one, encodes many at once). */
export type WordModel = Pick<EmotionModel, 'encodeLyrics'> & Partial<Pick<EmotionModel, 'encodeLyricsBatch'>> & { tokenizer?: Pick<WordPieceTokenizer, 'words'> }

/** The text the model reads for the lines of [start, end) (see linesOf): one line each, blank ones left out. */
function textIn(lyrics: readonly LyricLine[], start: Seconds, end: Seconds): { lines: LyricLine[]; text: string } {
  const lines = linesOf(lyrics, start, end)
  return { lines, text: lines.map((l) => l.text.trim()).filter(Boolean).join('\n') }
}

/** Word moods of the lines sung in [start, end), each with the time it is first sung there; [] where nothing is. */
export async function wordMoodsIn(lyrics: readonly LyricLine[], start: Seconds, end: Seconds, model: WordModel): Promise<MoodWord[]> {
  const { lines, text } = textIn(lyrics, start, end)
  if (!text) return []
  const words = (await model.encodeLyrics(text)).words
  return words.map((w) => ({ ...w, ...timeOf(w.word, lines, model.tokenizer) }))
}

/** Encodes the lyrics of all these spans in one batch (into the model's cache), so that wordMoodsIn over them runs no encoder one text at a time. */
export async function encodeSpanLyrics(lyrics: readonly LyricLine[], spans: readonly { start: Seconds; end: Seconds }[], model: WordModel): Promise<void> {
  if (!model.encodeLyricsBatch) return
  const texts = [...new Set(spans.map((s) => textIn(lyrics, s.start, s.end).text).filter(Boolean))]
  if (texts.length > 1) await model.encodeLyricsBatch(texts)
}

/** The sections, each with a lyrics reading given its mood carriers (see moodCarriers) out of `words(section)`. */
export async function withMoodWords(sections: readonly Section[], words: (section: Section) => Promise<readonly MoodWord[]>): Promise<Section[]> {
  const out: Section[] = []
  // one section at a time: the in-process model runs one text-encoder call at a time anyway
  for (const s of sections) {
    out.push(s.lyrics ? { ...s, lyrics: { ...s.lyrics, words: moodCarriers(await words(s), s.lyrics.label) } } : s)
  }
  return out
}

/** When a word is first sung in these lines: its word time where the file gives one, else its line's start. */
function timeOf(word: string, lines: readonly LyricLine[], tokenizer?: Pick<WordPieceTokenizer, 'words'>): { t?: Seconds } {
  const split = (text: string) => (tokenizer ? tokenizer.words(text) : text.toLowerCase().split(/[^\p{L}\p{N}]+/u))
  for (const line of lines) {
    const timed = line.words?.find((w) => split(w.text).includes(word))
    if (timed) return { t: timed.start }
    if (split(line.text).includes(word)) return { t: line.start }
  }
  return {}
}
