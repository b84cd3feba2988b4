import { describe, expect, test } from 'vitest'
import { analyzeTimeline } from '../../../bridge/analysis/timeline.js'
import type { Frame, Reading } from '../../../bridge/analysis/types.js'

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
})
