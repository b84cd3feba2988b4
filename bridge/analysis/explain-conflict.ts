/** Words a musician reads for a conflict: moods, cue phrases, and the one- or two-sentence explanation. */
import { isFillerWord } from './filler-words.js'
import type { Arousal, MoodWord, MusicalCues, PolarityLabel, Valence } from './types.js'

/** A mood adjective for a polarity and an energy. */
export function moodAdjective(label: PolarityLabel, arousal: Arousal): string {
  if (label === 'positive') return arousal >= 0.2 ? 'joyful' : arousal <= -0.2 ? 'warm and calm' : 'happy'
  if (label === 'negative') return arousal >= 0.2 ? 'tense' : arousal <= -0.2 ? 'sad and subdued' : 'sad'
  return 'neutral'
}

/** Song-wide reference levels for relative cue phrases. */
export type CueReference = { loudnessDb: number | null }

/** Cue phrases that support a music mood (e.g. 'a major key (C major)', 'an upbeat 132 BPM'); all cues when none supports it. */
export function cuePhrases(cues: MusicalCues, label: PolarityLabel, arousal: Arousal, ref: CueReference = { loudnessDb: null }): string[] {
  const supporting: string[] = []
  const other: string[] = []
  const add = (phrase: string, supports: boolean) => (supports ? supporting : other).push(phrase)
  const positive = label === 'positive'
  const energetic = arousal >= 0
  if (cues.mode) add(`a ${cues.mode} key (${cues.key})`, (cues.mode === 'major') === positive)
  if (cues.tempoBpm !== null) {
    const t = Math.round(cues.tempoBpm)
    if (t >= 112) add(`an upbeat ${t} BPM`, positive || energetic)
    else if (t <= 88) add(`a slow ${t} BPM`, !positive || !energetic)
    else add(`a moderate ${t} BPM`, false)
  }
  if (cues.brightnessHz >= 1800) add(`a bright sound (spectral centroid ${cues.brightnessHz} Hz)`, positive || energetic)
  else if (cues.brightnessHz > 0 && cues.brightnessHz <= 1000) add(`a dark, mellow sound (spectral centroid ${cues.brightnessHz} Hz)`, !positive || !energetic)
  const loud = ref.loudnessDb === null ? null : cues.loudnessDb - ref.loudnessDb
  if (loud !== null && loud >= 3) add(`louder than the rest of the song (${cues.loudnessDb} dBFS)`, energetic)
  else if (loud !== null && loud <= -3) add(`quieter than the rest of the song (${cues.loudnessDb} dBFS)`, !energetic)
  else if (cues.loudnessDb <= -30) add(`soft playing (${cues.loudnessDb} dBFS)`, !energetic)
  return supporting.length > 0 ? supporting : other
}

/** The words that carry a lyric mood: the strongest in its direction, distinct, at most `max`. */
export function moodCarriers(words: readonly MoodWord[], label: PolarityLabel, max = 5, minAbs = 0.1): MoodWord[] {
  const sign = label === 'positive' ? 1 : label === 'negative' ? -1 : 0
  const strength = (w: MoodWord) => (sign === 0 ? Math.abs(w.valence) : sign * w.valence)
  const seen = new Set<string>()
  return [...words]
    .filter((w) => strength(w) >= minAbs && !isFillerWord(w.word))
    .sort((a, b) => strength(b) - strength(a))
    .filter((w) => !seen.has(w.word) && seen.add(w.word))
    .slice(0, max)
}

/** Joins phrases as 'a, b and c'. */
export function listing(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? ''
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

/** The explanation of one conflict, in one or two sentences. */
export function explainConflict(c: {
  lyrics: { label: PolarityLabel; valence: Valence; arousal: Arousal; words: readonly MoodWord[] }
  music: { label: PolarityLabel; valence: Valence; arousal: Arousal; cues: MusicalCues | null }
  section: string
  reference?: CueReference
}): string {
  const lyricMood = moodAdjective(c.lyrics.label, c.lyrics.arousal)
  const musicMood = moodAdjective(c.music.label, c.music.arousal)
  const words = c.lyrics.words.length > 0 ? ` (${c.lyrics.words.map((w) => `"${w.word}"`).join(', ')})` : ''
  const cues = c.music.cues ? cuePhrases(c.music.cues, c.music.label, c.music.arousal, c.reference) : []
  const heard = cues.length > 0 ? `: ${listing(cues)}` : ''
  const first = `In ${c.section} the words read ${lyricMood}${words}, but the music sounds ${musicMood}${heard}.`
  const second =
    c.music.label === 'positive'
      ? 'Sung this way the lyric may come across as ironic or bittersweet; if that is not the intent, try a minor colour, a slower feel or a softer arrangement here.'
      : 'The music undercuts the words here; if that is not the intent, try a major colour, a lift in tempo or a brighter arrangement.'
  return `${first} ${second}`
}
