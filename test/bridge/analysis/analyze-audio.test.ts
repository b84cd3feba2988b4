import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { analyzePcm } from '../../../bridge/analysis/analyze-audio.js'
import { defaultPreset } from '../../../bridge/analysis/presets.js'
import { analyzeTimeline } from '../../../bridge/analysis/timeline.js'
import type { Analysis, Reading } from '../../../bridge/analysis/types.js'
import { decodeAudioFile } from '../../../bridge/audio/decode.js'
import { EmotionModel } from '../../../bridge/engine/emotion-model.js'
import { loadLyrics } from '../../../bridge/lyrics/index.js'
import { loadSections } from '../../../bridge/sections/index.js'

const examples = join(import.meta.dirname, '../../../examples')
const model = await EmotionModel.load({ onWarning: () => {} })
afterAll(() => model.close())
const song = await decodeAudioFile(join(examples, 'demo-song.mp3'))
const spans = await loadSections(join(examples, 'demo-sections.csv'), { duration: song.duration })
const lyrics = await loadLyrics(join(examples, 'demo-song.lrc'), { duration: song.duration })
const fast = await analyzePcm({ pcm: song.pcm, model, lyrics, spans, source: 'demo-song.mp3' })

function expectReading(r: Reading): void {
  expect(r.polarity.reduce((a, b) => a + b)).toBeCloseTo(1, 6)
  for (const p of r.polarity) expect(p).toBeGreaterThanOrEqual(0)
  expect(r.confidence).toBeGreaterThanOrEqual(0)
  expect(r.confidence).toBeLessThanOrEqual(1)
  expect(Math.abs(r.valence)).toBeLessThanOrEqual(1)
  expect(Math.abs(r.arousal)).toBeLessThanOrEqual(1)
}

describe('analyzePcm on the example song', () => {
  test('gives a frame at every hop covering the whole clip', () => {
    const a: Analysis = fast
    expect(a.frames.length).toBe(Math.ceil(song.duration / a.hop))
    a.frames.forEach((f, i) => {
      expect(f.t).toBeCloseTo(i * a.hop, 9)
      expect(f.end - f.start).toBe(a.window)
    })
    expect(a.frames.at(-1)!.t).toBeGreaterThan(song.duration - a.hop - 1e-9)
  })

  test('every reading has probabilities summing to 1 and confidence in [0, 1]', () => {
    for (const f of fast.frames) {
      expectReading(f)
      expectReading(f.audio)
      if (f.lyrics) expectReading(f.lyrics)
    }
    for (const s of fast.sections) expectReading(s)
    expectReading(fast.summary)
  })

  test('windows with lyrics in or around them get a lyrics reading; the wordless tail does not', () => {
    expect(fast.frames.find((f) => f.t === 10)!.lyrics).not.toBeNull()
    expect(fast.frames.find((f) => f.t === 40)!.lyrics).not.toBeNull()
    expect(fast.frames.at(-1)!.lyrics).toBeNull()
  })

  test('aggregates the file sections with their frames and measures their cues', () => {
    expect(fast.sections.map((s) => [s.name, s.source, s.frames])).toEqual([
      ['Verse', 'file', 32],
      ['Chorus', 'file', 32],
      ['Bridge', 'file', 40],
    ])
    expect(fast.tempo).toBeCloseTo(135, -0.5)
    expect(fast.model.device).toBe(model.info.device)
  })

  test('a given tempo gives a one-entry tempo map from 0; a measured tempo gives none', async () => {
    expect(fast.tempoMap).toBeUndefined()
    const given = await analyzePcm({ pcm: song.pcm.subarray(0, 16000 * 8), model, tempo: 128 })
    expect(given.tempo).toBe(128)
    expect(given.tempoMap).toEqual([{ time: 0, bpm: 128 }])
  })

  test('by default the song is encoded once and sliced per window; each window encoded on its own with its context reads the same', async () => {
    expect(fast.frames).toEqual((await analyzePcm({ pcm: song.pcm, model, lyrics, spans, audioPath: 'fast' })).frames)
    const windows = await analyzePcm({ pcm: song.pcm, model, lyrics, spans, audioPath: 'window' })
    expect(windows.frames.length).toBe(fast.frames.length)
    let worst = 0
    windows.frames.forEach((f, i) => {
      const g = fast.frames[i]!
      worst = Math.max(worst, Math.abs(f.valence - g.valence), Math.abs(f.arousal - g.arousal), ...f.polarity.map((p, k) => Math.abs(p - g.polarity[k]!)))
    })
    if ((model.manifest.audio.encoder_context ?? 0) > 0) {
      expect(worst).toBeLessThan(1e-4) // the same states: only float rounding differs
    } else {
      expect(worst).toBeLessThan(0.1) // a window alone: its edge states do not hear the audio around it
    }
  })

  // A known miss of the shipped model (model/CARD.md, "Where the model is weak"): its audio-only head reads the
  // demo's bright C-major Chorus as tense and negative (at low confidence), so the Chorus is not flagged (the
  // A-minor Bridge it now reads negative, as written). \`test.fails\` keeps the expectation in view: it fails
  // the day a model gets this right.
  test.runIf(model.info.trained).fails('flags the Chorus (happy music, sad words) and not the matching Verse and Bridge', () => {
    expect(fast.conflicts.map((c) => c.section)).toEqual(['Chorus'])
    const c = fast.conflicts[0]!
    expect(c.music.label).toBe('positive')
    expect(c.lyrics.label).toBe('negative')
    expect(c.music.cues.mode).toBe('major')
    expect(c.lyrics.words.length).toBeGreaterThan(0)
  })

  test('conflicts, where found, sit on sections and explain themselves', () => {
    for (const c of fast.conflicts) {
      expect(fast.sections.map((s) => s.name)).toContain(c.section)
      expect(c.score).toBeGreaterThanOrEqual(defaultPreset.conflictThreshold)
      expect(c.explanation).toMatch(new RegExp(`In ${c.section} the words read`))
    }
  })

  test("each section with lyrics names at most five of its own words whose valence leans its lyric label's way", () => {
    const withLyrics = fast.sections.filter((s) => s.lyrics)
    expect(withLyrics.map((s) => s.name)).toEqual(['Verse', 'Chorus', 'Bridge'])
    for (const s of withLyrics) {
      const { label, words } = s.lyrics!
      expect(words.length).toBeLessThanOrEqual(5)
      expect(new Set(words.map((w) => w.word)).size).toBe(words.length)
      const sung = new Set(model.tokenizer.words(lyrics.filter((l) => l.start < s.end && l.end > s.start).map((l) => l.text).join('\n')))
      for (const w of words) {
        expect(sung).toContain(w.word)
        if (label === 'positive') expect(w.valence).toBeGreaterThan(0)
        if (label === 'negative') expect(w.valence).toBeLessThan(0)
        expect(Math.abs(w.valence)).toBeGreaterThanOrEqual(0.1)
        expect(w.t).toBeLessThan(s.end)
      }
      // strongest first
      const strength = words.map((w) => Math.abs(w.valence))
      expect(strength).toEqual([...strength].sort((x, y) => y - x))
    }
    for (const c of fast.conflicts) expect(c.lyrics.words).toEqual(fast.sections.find((s) => s.name === c.section)!.lyrics!.words)
  })

  test('a hop off the encoder grid (0.75 s) falls back to per-window inference and still covers the clip', async () => {
    const a = await analyzePcm({ pcm: song.pcm.subarray(0, 16000 * 12), model, preset: { ...defaultPreset, hopSeconds: 0.75 } })
    expect(a.frames.map((f) => f.t)).toEqual(Array.from({ length: 16 }, (_, i) => i * 0.75))
    expect(a.hop).toBe(0.75)
  })

  test('finds sections from the audio when none are given', async () => {
    const a = await analyzePcm({ pcm: song.pcm, model, lyrics })
    expect(a.sections.length).toBeGreaterThanOrEqual(2)
    expect(a.sections.every((s) => s.source === 'detected')).toBe(true)
    expect(a.sections.some((s) => Math.abs(s.start - 32) <= 1.5)).toBe(true)
  })
})

describe('analyzeTimeline', () => {
  test('recomputes sections and summary from frames alone, for the live bridge', async () => {
    const r = await analyzeTimeline({
      frames: fast.frames.slice(0, 40),
      spans,
      lyrics,
      tempo: 135,
      duration: 20,
      audio: (s, e) => song.pcm.subarray(Math.floor(s * 16000), Math.ceil(e * 16000)),
      model,
    })
    expect(r.sections.map((s) => [s.name, s.frames])).toEqual([['Verse', 32], ['Chorus', 8]])
    expect(r.summary!.polarity.reduce((a, b) => a + b)).toBeCloseTo(1, 6)
  })
})

describe('bad audio', () => {
  test('empty audio is refused with a clear error', async () => {
    await expect(analyzePcm({ pcm: new Float32Array(0), model })).rejects.toThrow(/audio is empty/)
  })

  test('NaN samples are refused, saying where', async () => {
    const pcm = new Float32Array(16000 * 3)
    pcm[16000] = Number.NaN
    await expect(analyzePcm({ pcm, model })).rejects.toThrow(/1 non-finite samples.*at 1\.000 s/)
  })

  test('integer samples passed as floats are refused', async () => {
    await expect(analyzePcm({ pcm: new Float32Array(16000).fill(12000), model })).rejects.toThrow(/peaks at 12000/)
  })
})
