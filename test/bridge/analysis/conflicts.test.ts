import { describe, expect, test } from 'vitest'
import { conflictScore, detectConflicts, disagreement } from '../../../bridge/analysis/conflicts.js'
import { cuePhrases, moodCarriers } from '../../../bridge/analysis/explain-conflict.js'
import { toReading } from '../../../bridge/analysis/readings.js'
import type { MoodWord, MusicalCues, PolarityProbs, Section } from '../../../bridge/analysis/types.js'

const happy: PolarityProbs = [0.05, 0.15, 0.8]
const sad: PolarityProbs = [0.8, 0.15, 0.05]
const unsure: PolarityProbs = [0.4, 0.2, 0.4]

function section(name: string, music: PolarityProbs, lyrics: PolarityProbs | null): Section {
  const audio = toReading({ valence: music[2] - music[0], arousal: 0.4, polarity: music })
  const sung = lyrics ? { ...toReading({ valence: lyrics[2] - lyrics[0], arousal: -0.3, polarity: lyrics }), words: [] } : null
  return { start: 0, end: 16, name, source: 'file', ...audio, audio, lyrics: sung, frames: 32 }
}

const brightCues: MusicalCues = { tempoBpm: 135, mode: 'major', key: 'C major', loudnessDb: -14, brightnessHz: 2100 }
const words: MoodWord[] = [
  { word: 'crying', valence: -0.7, arousal: 0.2 },
  { word: 'the', valence: 0.01, arousal: 0 },
  { word: 'alone', valence: -0.5, arousal: -0.3 },
  { word: 'love', valence: 0.8, arousal: 0.3 },
  { word: 'crying', valence: -0.7, arousal: 0.2 },
]

describe('disagreement', () => {
  test('is near 1 for confident opposite heads and 0 for agreeing or unsure ones', () => {
    expect(disagreement(happy, sad)).toBeGreaterThan(0.5)
    expect(disagreement(happy, happy)).toBe(0)
    expect(disagreement(unsure, unsure)).toBe(0)
    expect(disagreement([0, 0, 1], [1, 0, 0])).toBe(1)
  })

  test('a section without lyrics scores 0', () => {
    expect(conflictScore(section('Intro', happy, null))).toBe(0)
  })
})

describe('detectConflicts', () => {
  const evidence = { threshold: 0.3, words: async () => words, cues: () => brightCues, reference: { loudnessDb: -18 } }

  test('flags happy music with sad words and explains it with the words and the cues', async () => {
    const [c, ...rest] = await detectConflicts([section('Chorus', happy, sad)], evidence)
    expect(rest).toEqual([])
    expect(c!.section).toBe('Chorus')
    expect(c!.lyrics.label).toBe('negative')
    expect(c!.music.label).toBe('positive')
    expect(c!.lyrics.words.map((w) => w.word)).toEqual(['crying', 'alone'])
    expect(c!.explanation).toMatch(/"crying", "alone"/)
    expect(c!.explanation).toMatch(/major key \(C major\)/)
    expect(c!.explanation).toMatch(/135 BPM/)
    expect(c!.explanation).toMatch(/louder than the rest of the song/)
  })

  test('leaves matching, unsure and wordless sections alone', async () => {
    const found = await detectConflicts([section('Verse', happy, happy), section('Bridge', sad, sad), section('Mid', unsure, unsure), section('Solo', happy, null)], evidence)
    expect(found).toEqual([])
  })

  test('a mild disagreement is flagged only under a low threshold', async () => {
    const mild: PolarityProbs = [0.45, 0.3, 0.25]
    const s = section('Verse', [0.25, 0.3, 0.45], mild)
    expect(await detectConflicts([s], { ...evidence, threshold: 0.02 })).toHaveLength(1)
    expect(await detectConflicts([s], { ...evidence, threshold: 0.3 })).toHaveLength(0)
  })
})

describe('explanations', () => {
  test('cue phrases name what supports sad music', () => {
    const phrases = cuePhrases({ tempoBpm: 70, mode: 'minor', key: 'A minor', loudnessDb: -30, brightnessHz: 900 }, 'negative', -0.4, { loudnessDb: -20 })
    expect(phrases).toEqual(['a minor key (A minor)', 'a slow 70 BPM', 'a dark, mellow sound (spectral centroid 900 Hz)', 'quieter than the rest of the song (-30 dBFS)'])
  })

  test('mood carriers are the strongest distinct words in the lyric direction', () => {
    expect(moodCarriers(words, 'positive').map((w) => w.word)).toEqual(['love'])
    expect(moodCarriers(words, 'negative', 1).map((w) => w.word)).toEqual(['crying'])
  })

  test('conflict word lists leave out filler words ("i", "it", "years") however the encoder scored them', () => {
    const sung: MoodWord[] = [
      { word: 'i', valence: -0.6, arousal: 0 },
      { word: 'it', valence: -0.5, arousal: 0 },
      { word: 'years', valence: -0.45, arousal: 0 },
      { word: 'lonely', valence: -0.4, arousal: 0 },
      { word: 'the', valence: -0.35, arousal: 0 },
      { word: 'cold', valence: -0.3, arousal: 0 },
    ]
    expect(moodCarriers(sung, 'negative').map((w) => w.word)).toEqual(['lonely', 'cold'])
  })
})
