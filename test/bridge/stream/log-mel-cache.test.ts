import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { LogMelExtractor } from '../../../bridge/engine/log-mel.js'
import { loadManifest, type AudioConfig } from '../../../bridge/engine/manifest.js'
import { AudioTimeline } from '../../../bridge/stream/audio-timeline.js'
import { LogMelCache } from '../../../bridge/stream/log-mel-cache.js'

let audio: AudioConfig
beforeAll(async () => {
  audio = (await loadManifest(join(import.meta.dirname, '..', '..', '..', 'model'))).audio
})

/** The full computation the live bridge made for every window before the cache: all 384 frames from the timeline. */
function fullWindow(timeline: AudioTimeline, firstFrame: number, frames: number): Float32Array {
  const pcm = timeline.read((firstFrame - 1) * audio.hop, (frames + 1) * audio.hop + audio.n_fft)
  return new LogMelExtractor(audio).compute(pcm, { firstFrame: 1, frames }).data
}

/** Deterministic noise-and-tones audio. */
function sound(n: number, seed: number): Float32Array {
  let x = seed
  return Float32Array.from({ length: n }, (_, i) => {
    x = (x * 1103515245 + 12345) % 2147483648
    return 0.2 * Math.sin(i / (3 + seed)) + 0.05 * (x / 2147483648 - 0.5)
  })
}

/** Window k of the live grid (6 s windows centred on k * 0.5 s): its first log-mel frame. */
const firstFrameOf = (k: number) => Math.round((k * 8000 - 48000) / audio.hop)

describe('LogMelCache', () => {
  test('windows from the cache equal the full computation bit for bit, including before the song and over holes', () => {
    const t = new AudioTimeline(16000, 600)
    const cache = new LogMelCache(t, audio)
    t.write(0, sound(16000 * 9, 1))
    t.write(16000 * 12, sound(16000 * 5, 2)) // a hole from 9 to 12 s
    for (const k of [0, 1, 5, 6, 7, 13, 20, 27, 30, 34, 40]) {
      expect(cache.window(firstFrameOf(k), 384), `window ${k}`).toEqual(fullWindow(t, firstFrameOf(k), 384))
    }
  })

  test('a window one hop after the last computes only its 32 new frames', () => {
    const t = new AudioTimeline(16000, 600)
    const cache = new LogMelCache(t, audio)
    t.write(0, sound(16000 * 20, 3))
    cache.window(firstFrameOf(10), 384)
    const before = cache.stats
    const next = cache.window(firstFrameOf(11), 384)
    expect(cache.stats.computed - before.computed).toBe(32)
    expect(cache.stats.reused - before.reused).toBe(352)
    expect(next).toEqual(fullWindow(t, firstFrameOf(11), 384))
  })

  test('audio written again over a span is read anew there, and only there', () => {
    const t = new AudioTimeline(16000, 600)
    const cache = new LogMelCache(t, audio)
    t.write(0, sound(16000 * 30, 4))
    const ks = [10, 20, 30, 40, 50]
    for (const k of ks) cache.window(firstFrameOf(k), 384)
    // a re-recorded take from 14 s to 16.5 s (not on the frame grid)
    t.write(14 * 16000 + 77, sound(40_000, 5))
    const before = cache.stats.computed
    for (const k of ks) expect(cache.window(firstFrameOf(k), 384), `window ${k}`).toEqual(fullWindow(t, firstFrameOf(k), 384))
    // the frames reading any of the 40,000 new samples: (40,000 + n_fft) / hop, give or take one
    const recomputed = cache.stats.computed - before
    expect(recomputed).toBeGreaterThanOrEqual(Math.floor((40_000 + audio.n_fft) / audio.hop) - 1)
    expect(recomputed).toBeLessThanOrEqual(Math.ceil((40_000 + audio.n_fft) / audio.hop) + 1)
  })

  test('random writes and reads agree with the full computation (property)', () => {
    const t = new AudioTimeline(16000, 120)
    const cache = new LogMelCache(t, audio, { maxChunks: 3 })
    let seed = 7
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    for (let step = 0; step < 60; step++) {
      if (rand() < 0.5) t.write(Math.floor(rand() * 16000 * 60), sound(Math.floor(rand() * 40_000) + 1, step + 10))
      const k = Math.floor(rand() * 130)
      const frames = rand() < 0.3 ? Math.floor(rand() * 600) : 384
      expect(cache.window(firstFrameOf(k), frames), `step ${step}`).toEqual(fullWindow(t, firstFrameOf(k), frames))
      expect(cache.stats.chunks).toBeLessThanOrEqual(3)
    }
  })

  test('holds at most maxChunks chunks of 4 s however much song is read', () => {
    const t = new AudioTimeline(16000, 1200)
    const cache = new LogMelCache(t, audio, { maxChunks: 8 })
    t.write(0, sound(16000 * 300, 6))
    for (let k = 0; k < 600; k += 3) cache.window(firstFrameOf(k), 384)
    expect(cache.stats.chunks).toBe(8)
    expect(cache.bytes).toBeLessThanOrEqual(8 * 256 * (audio.n_mels * 4 + 1))
  })

  test('a cleared timeline leaves nothing cached; a closed cache stops following writes', () => {
    const t = new AudioTimeline(16000, 600)
    const cache = new LogMelCache(t, audio)
    t.write(0, sound(16000 * 10, 8))
    cache.window(firstFrameOf(8), 384)
    t.clear()
    expect(cache.stats.chunks).toBe(0)
    t.write(0, sound(16000 * 10, 9))
    expect(cache.window(firstFrameOf(8), 384)).toEqual(fullWindow(t, firstFrameOf(8), 384))
    cache.close()
    expect(cache.stats.chunks).toBe(0)
  })
})
