import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { measureCues, loudnessDb } from '../../../bridge/analysis/cues.js'
import { chroma, estimateKey } from '../../../bridge/analysis/key-detection.js'
import { magnitudes } from '../../../bridge/analysis/spectrogram.js'
import { estimateTempo } from '../../../bridge/analysis/tempo.js'
import { decodeAudioFile } from '../../../bridge/audio/decode.js'

const RATE = 16000
const midiHz = (m: number) => 440 * 2 ** ((m - 69) / 12)

/** Triads with a few harmonics, one chord per `seconds`. */
function chords(progression: number[][], seconds: number): Float32Array {
  const per = Math.round(seconds * RATE)
  const out = new Float32Array(per * progression.length)
  progression.forEach((notes, c) => {
    for (let i = 0; i < per; i++) {
      let s = 0
      for (const m of notes) for (let h = 1; h <= 3; h++) s += (0.1 / h) * Math.sin((2 * Math.PI * midiHz(m) * h * i) / RATE)
      out[c * per + i] = s
    }
  })
  return out
}

/** Decaying noise bursts at a tempo. */
function clicks(bpm: number, seconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE))
  const period = (60 / bpm) * RATE
  let seed = 3
  for (let beat = 0; beat * period < out.length; beat++) {
    const at = Math.round(beat * period)
    for (let i = 0; i < 800 && at + i < out.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      out[at + i] = (seed / 0x7fffffff - 0.5) * Math.exp(-i / 150)
    }
  }
  return out
}

describe('key detection', () => {
  test('hears C major in I-IV-V-I and A minor in i-iv-v-i', () => {
    const major = estimateKey(chroma(magnitudes(chords([[60, 64, 67], [65, 69, 72], [67, 71, 74], [60, 64, 67]], 2), RATE, 4096, 2048)))!
    expect(major.key).toBe('C major')
    const minor = estimateKey(chroma(magnitudes(chords([[57, 60, 64], [62, 65, 69], [64, 67, 71], [57, 60, 64]], 2), RATE, 4096, 2048)))!
    expect(minor.key).toBe('A minor')
  })

  test('reports no key for noise or silence', () => {
    expect(measureCues(new Float32Array(RATE * 6), RATE).key).toBeNull()
    const noise = clicks(100, 6)
    expect(measureCues(noise, RATE).mode).toBeNull()
  })
})

describe('tempo', () => {
  test('finds the tempo of a click track', () => {
    expect(estimateTempo(clicks(120, 12), RATE)).toBeCloseTo(120, -0.5)
    expect(estimateTempo(clicks(96, 12), RATE)).toBeCloseTo(96, -0.5)
  })

  test("a long song's tempo is measured over its middle minute", () => {
    // 90 bpm from 50 to 120 s (the middle minute is 60-120 s), 120 bpm around it: most of the song is at 120
    const parts = [clicks(120, 50), clicks(90, 70), clicks(120, 60)]
    const song = new Float32Array(parts.reduce((n, p) => n + p.length, 0))
    parts.reduce((at, p) => (song.set(p, at), at + p.length), 0)
    expect(estimateTempo(song, RATE)).toBeCloseTo(90, -0.5)
    expect(estimateTempo(song, RATE, { maxSeconds: 180 })).toBeCloseTo(120, -0.5)
  })

  test('gives no tempo for under 5 s or for a steady tone', () => {
    expect(estimateTempo(clicks(120, 3), RATE)).toBeNull()
    expect(estimateTempo(chords([[60, 64, 67]], 8), RATE)).toBeNull()
  })

  test('takes the DAW tempo where given', () => {
    expect(measureCues(clicks(120, 8), RATE, { tempoBpm: 87 }).tempoBpm).toBe(87)
  })
})

describe('loudness and brightness', () => {
  test('a full-scale sine reads -3 dBFS, silence -120', () => {
    const sine = Float32Array.from({ length: RATE }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / RATE))
    expect(loudnessDb(sine)).toBeCloseTo(-3.01, 1)
    expect(loudnessDb(new Float32Array(100))).toBe(-120)
  })

  test('the spectral centroid of a pure tone is its frequency', () => {
    const tone = Float32Array.from({ length: RATE * 2 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / RATE))
    expect(measureCues(tone, RATE).brightnessHz).toBeGreaterThan(950)
    expect(measureCues(tone, RATE).brightnessHz).toBeLessThan(1100)
  })
})

describe('cues of the example song', async () => {
  const song = await decodeAudioFile(join(import.meta.dirname, '../../../examples/demo-song.mp3'))
  const part = (a: number, b: number) => measureCues(song.pcm.subarray(a * RATE, b * RATE), RATE)
  const verse = part(0, 16)
  const bridge = part(32, 52)

  test('the verse is C major at 135 BPM', () => {
    expect(verse.key).toBe('C major')
    expect(verse.tempoBpm).toBeCloseTo(135, -0.5)
  })

  test('the bridge is A minor at 72 BPM, quieter and darker than the verse', () => {
    expect(bridge.key).toBe('A minor')
    expect(bridge.tempoBpm).toBeCloseTo(72, -0.5)
    expect(bridge.loudnessDb).toBeLessThan(verse.loudnessDb - 3)
    expect(bridge.brightnessHz).toBeLessThan(verse.brightnessHz)
  })
})
