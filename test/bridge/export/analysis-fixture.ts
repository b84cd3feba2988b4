/** Synthetic analyses for export tests: smooth, section-shaped curves with lyric gaps and conflicts. */
import { POLARITY_LABELS, type Analysis, type Frame, type PolarityProbs, type Reading } from '../../../bridge/analysis/types.js'

/** Options of the fixture. */
export type FixtureOptions = {
  /** Song length in seconds, default 60 */
  duration?: number
  /** Analysis hop in seconds, default 0.5 */
  hop?: number
  /** Tempo, bpm; null for unknown; default 96 */
  tempo?: number | null
  /** Seed of the small pseudo-random wobble, default 1 */
  seed?: number
  /** Seconds with lyrics, as [start, end) spans; default: lyrics from 8 s to 70 % of the song */
  lyricSpans?: [number, number][]
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function softmax(logits: number[]): PolarityProbs {
  const m = Math.max(...logits)
  const e = logits.map((l) => Math.exp(l - m))
  const s = e.reduce((a, b) => a + b, 0)
  return e.map((x) => x / s) as PolarityProbs
}

function reading(valence: number, arousal: number): Reading {
  const polarity = softmax([-2.5 * valence, 0.3, 2.5 * valence])
  const best = polarity.indexOf(Math.max(...polarity))
  const entropy = -polarity.reduce((a, p) => a + (p > 0 ? p * Math.log(p) : 0), 0) / Math.log(3)
  return { valence, arousal, polarity, label: POLARITY_LABELS[best]!, confidence: 1 - entropy }
}

const clamp = (x: number): number => Math.max(-1, Math.min(1, x))

/** A synthetic analysis: valence drifts through sections, arousal swells, lyrics contradict the music in the bridge. */
export function makeAnalysis(options: FixtureOptions = {}): Analysis {
  const duration = options.duration ?? 60
  const hop = options.hop ?? 0.5
  const window = 6
  const rand = mulberry32(options.seed ?? 1)
  const spans = options.lyricSpans ?? [[8, duration * 0.7]]
  const frames: Frame[] = []
  let wobble = 0
  for (let i = 0; ; i++) {
    const t = window / 2 + i * hop
    if (t > duration - window / 2 + 1e-9) break
    wobble = 0.9 * wobble + 0.1 * (rand() * 2 - 1)
    const u = t / duration
    const valence = clamp(0.6 * Math.sin(2 * Math.PI * u * 1.5) + 0.2 * wobble)
    const arousal = clamp(-0.5 + 1.2 * u + 0.25 * Math.sin(2 * Math.PI * u * 6) + 0.1 * wobble)
    const audio = reading(clamp(valence + 0.1), arousal)
    const sung = spans.some(([a, b]) => t >= a && t < b)
    const lyrics = sung ? reading(clamp(-valence * 0.8), clamp(arousal - 0.2)) : null
    frames.push({ ...reading(valence, arousal), t, start: t - window / 2, end: t + window / 2, audio, lyrics })
  }
  const third = duration / 3
  const names = ['Verse', 'Chorus', 'Bridge']
  const sections = names.map((name, i) => {
    const r = reading(0, 0)
    return { start: i * third, end: (i + 1) * third, name, source: 'detected' as const, ...r, audio: r, lyrics: { ...r, words: [] }, frames: 1 }
  })
  const conflicts = [
    {
      section: 'Bridge',
      start: 2 * third,
      end: duration,
      score: 0.8,
      lyrics: { label: 'negative' as const, valence: -0.6, words: [] },
      music: { label: 'positive' as const, valence: 0.5, arousal: 0.4, cues: { tempoBpm: options.tempo ?? null, mode: 'major' as const, key: 'C major', loudnessDb: -14, brightnessHz: 2400 } },
      explanation: 'The words grieve while the band plays in a bright major key.',
    },
  ]
  const summary = { ...reading(0, 0), audio: reading(0, 0), lyrics: null }
  return {
    schema: 'emolane.analysis/1',
    source: 'songs/Test Song.wav',
    model: { name: 'emolane', version: '0.0.0', preset: 'test', device: 'cpu' },
    window,
    hop,
    duration,
    tempo: options.tempo === undefined ? 96 : options.tempo,
    frames,
    sections,
    conflicts,
    lyrics: [],
    summary,
    createdAt: '2025-01-01T00:00:00.000Z',
  }
}
