import { describe, expect, test } from 'vitest'
import { defaultPreset } from '../../../bridge/analysis/presets.js'
import { analyzeTimeline } from '../../../bridge/analysis/timeline.js'
import type { Frame, LyricLine, MoodWord, Reading, Section } from '../../../bridge/analysis/types.js'

const reading: Reading = { valence: 0.2, arousal: 0.1, polarity: [0.2, 0.3, 0.5], label: 'positive', confidence: 0.1 }
const frames: Frame[] = Array.from({ length: 20 }, (_, k) => ({ ...reading, t: k * 0.5, start: k * 0.5 - 3, end: k * 0.5 + 3, audio: reading, lyrics: null }))
const model = { sampleRate: 16_000, encodeLyrics: async () => ({ words: [] }) } as unknown as Parameters<typeof analyzeTimeline>[0]['model']

describe('analyzeTimeline', () => {
  test('reads the whole song only when it must: no copy of the audio on a live run with DAW sections and no conflict', async () => {
    const reads: [number, number][] = []
    const audio = (start: number, end: number) => {
      reads.push([start, end])
      return new Float32Array(Math.round((end - start) * 16_000)).fill(0.1)
    }
    const spans = [{ start: 0, end: 10, name: 'Verse', source: 'daw' as const }]
    const given = await analyzeTimeline({ frames, spans, lyrics: [], tempo: null, duration: 10, audio, model })
    expect(given.sections).toHaveLength(1)
    expect(reads).toEqual([])

    // without sections they are found from the audio, which is then read once
    await analyzeTimeline({ frames, spans: [], lyrics: [], tempo: null, duration: 10, audio, model })
    expect(reads).toEqual([[0, 10]])
  })

  test('every section with lyrics carries a handful of mood words in the direction of its lyric label', async () => {
    const happy: Reading = { valence: 0.5, arousal: 0.2, polarity: [0.1, 0.2, 0.7], label: 'positive', confidence: 0.4 }
    const sad: Reading = { valence: -0.5, arousal: -0.2, polarity: [0.7, 0.2, 0.1], label: 'negative', confidence: 0.4 }
    const song: Frame[] = Array.from({ length: 50 }, (_, k) => {
      const t = k * 0.5
      return { ...reading, t, start: t - 3, end: t + 3, audio: happy, lyrics: t < 10 ? happy : t < 20 ? sad : null }
    })
    const lexicon: Record<string, number> = { sun: 0.8, smile: 0.6, dance: 0.5, light: 0.4, sky: 0.3, bright: 0.2, tears: -0.8, alone: -0.6, cold: -0.4, the: 0.01 }
    const encoded: string[] = []
    const wordModel = {
      sampleRate: 16_000,
      encodeLyrics: async (text: string) => {
        encoded.push(text)
        const words: MoodWord[] = text.split(/\W+/).filter(Boolean).map((w) => ({ word: w, valence: lexicon[w] ?? 0, arousal: 0 }))
        return { words }
      },
    } as unknown as Parameters<typeof analyzeTimeline>[0]['model']
    const lyrics: LyricLine[] = [
      { start: 1, end: 4, text: 'sun smile dance tears' },
      { start: 5, end: 9, text: 'light sky bright the sun' },
      { start: 11, end: 15, text: 'tears alone cold', words: [{ start: 11, end: 12, text: 'tears' }, { start: 12, end: 13, text: 'alone' }, { start: 13, end: 15, text: 'cold' }] },
      { start: 16, end: 19, text: 'sun tears' },
    ]
    const spans = [
      { start: 0, end: 10, name: 'Verse', source: 'file' as const },
      { start: 10, end: 20, name: 'Chorus', source: 'file' as const },
      { start: 20, end: 25, name: 'Outro', source: 'file' as const },
    ]
    const r = await analyzeTimeline({ frames: song, spans, lyrics, tempo: 120, duration: 25, audio: () => null, model: wordModel, preset: { ...defaultPreset, conflictThreshold: 0.01 } })
    const [verse, chorus, outro] = r.sections as [Section, Section, Section]
    const sign = { positive: 1, negative: -1, neutral: 0 }
    for (const s of [verse, chorus]) {
      const words = s.lyrics!.words
      expect(words.length).toBeGreaterThan(0)
      expect(words.length).toBeLessThanOrEqual(5)
      expect(new Set(words.map((w) => w.word)).size).toBe(words.length)
      for (const w of words) expect(Math.sign(w.valence)).toBe(sign[s.lyrics!.label])
      for (const w of words) expect(w.t).toBeGreaterThanOrEqual(s.start)
    }
    // strongest first, only the section's own lines, timed where first sung (word times where given)
    expect(verse.lyrics!.words.map((w) => [w.word, w.t])).toEqual([['sun', 1], ['smile', 1], ['dance', 1], ['light', 5], ['sky', 5]])
    expect(chorus.lyrics!.words.map((w) => [w.word, w.t])).toEqual([['tears', 11], ['alone', 12], ['cold', 13]])
    expect(outro.lyrics).toBeNull()
    expect(encoded).toHaveLength(2)
    // the conflict (sad words over happy music) names exactly its section's words
    expect(r.conflicts.map((c) => c.section)).toEqual(['Chorus'])
    expect(r.conflicts[0]!.lyrics.words).toEqual(chorus.lyrics!.words)
  })
})
