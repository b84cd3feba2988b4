/** The live path's audio-encoder states: with context either side they equal a whole-song encoding, each is encoded once, and a write re-encodes only what hears it. */
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import type { AudioStates } from '../../../bridge/engine/emotion-model.js'
import { LogMelExtractor, type LogMel } from '../../../bridge/engine/log-mel.js'
import { loadManifest, type ModelManifest } from '../../../bridge/engine/manifest.js'
import { AudioTimeline } from '../../../bridge/stream/audio-timeline.js'
import { LogMelCache } from '../../../bridge/stream/log-mel-cache.js'
import { StateCache, type StateEncoder } from '../../../bridge/stream/state-cache.js'

const CONTEXT = 3
let manifest: ModelManifest

beforeAll(async () => {
  const shipped = await loadManifest(join(import.meta.dirname, '..', '..', '..', 'model'))
  manifest = { ...shipped, dim: 4, audio: { ...shipped.audio, encoder_context: CONTEXT } }
})

/**
 * A stand-in encoder whose state k reads frames [32k - 96, 32k + 128) of the stretch it is given (3 states
 * of context each side, like a convolution's reach): what it sees past the stretch's ends is missing, so
 * only states with their whole reach inside the stretch are exact.
 */
function encoder(): StateEncoder & { runs: number[] } {
  const runs: number[] = []
  return {
    runs,
    get manifest() {
      return manifest
    },
    async encodeAudio(mel: LogMel, firstFrame = 0): Promise<AudioStates> {
      const stride = manifest.audio.encoder_stride
      const count = mel.frames / stride
      runs.push(count)
      const data = new Float32Array(count * 4)
      for (let k = 0; k < count; k++) {
        let sum = 0
        let weight = 0
        for (let f = Math.max(0, (k - CONTEXT) * stride); f < Math.min(mel.frames, (k + 1 + CONTEXT) * stride); f++) {
          for (let m = 0; m < mel.mels; m += 7) {
            sum += mel.data[m * mel.frames + f]! * (1 + ((f - k * stride) & 7))
            weight++
          }
        }
        data.fill(sum / weight, k * 4, k * 4 + 4)
      }
      return { data, count, dim: 4, firstFrame }
    },
  }
}

function sound(n: number, seed: number): Float32Array {
  let x = seed
  return Float32Array.from({ length: n }, (_, i) => {
    x = (x * 1103515245 + 12345) % 2147483648
    return 0.2 * Math.sin(i / (3 + seed)) * (1 + Math.sin(i / 9000)) + 0.05 * (x / 2147483648 - 0.5)
  })
}

/** The whole song encoded at once (with silence far past both ends), its states from log-mel frame `first`. */
async function wholeSong(t: AudioTimeline, first: number, frames: number): Promise<AudioStates> {
  const a = manifest.audio
  const pcm = t.read((first - 1) * a.hop, (frames + 1) * a.hop + a.n_fft)
  const mel = new LogMelExtractor(a).compute(pcm, { firstFrame: 1, frames })
  return encoder().encodeAudio(mel, first)
}

/** Window k of the live grid (6 s windows starting at k * 0.5 s - 3 s): its first log-mel frame. */
const firstFrameOf = (k: number) => Math.round((k * 8000 - 48000) / manifest.audio.hop)

describe('StateCache', () => {
  test("a window's states equal those of a whole-song encoding, also before the song starts", async () => {
    const t = new AudioTimeline(16000, 600)
    const model = encoder()
    const cache = new StateCache(t, new LogMelCache(t, manifest.audio), model)
    t.write(0, sound(16000 * 20, 1))
    const whole = await wholeSong(t, firstFrameOf(0) - 320, 64 * 40)
    const ks = [0, 3, 9, 20, 27]
    const got = await cache.windows(ks.map(firstFrameOf), 12)
    ks.forEach((k, i) => {
      const from = (firstFrameOf(k) - whole.firstFrame) / 32
      expect(Array.from(got[i]!), `window ${k}`).toEqual(Array.from(whole.data.subarray(from * 4, (from + 12) * 4)))
    })
    // encoded alone, without its context, a window reads otherwise at its edges
    const a = manifest.audio
    const alone = await model.encodeAudio(new LogMelExtractor(a).compute(t.read((firstFrameOf(9) - 1) * a.hop, 385 * a.hop + a.n_fft), { firstFrame: 1, frames: 384 }), firstFrameOf(9))
    expect(Array.from(alone.data)).not.toEqual(Array.from(got[1]!))
  })

  test('each state is encoded once: the next hop encodes one new state with its context', async () => {
    const t = new AudioTimeline(16000, 600)
    const model = encoder()
    const cache = new StateCache(t, new LogMelCache(t, manifest.audio), model)
    t.write(0, sound(16000 * 20, 2))
    await cache.windows([firstFrameOf(10)], 12)
    expect(model.runs).toEqual([12 + 2 * CONTEXT])
    await cache.windows([firstFrameOf(11)], 12)
    expect(model.runs.at(-1)).toBe(1 + 2 * CONTEXT)
    expect(cache.stats).toMatchObject({ encoded: 13, reused: 11, size: 13 })
  })

  test('a write re-encodes the states that hear it, with the new audio, and no others', async () => {
    const t = new AudioTimeline(16000, 600)
    const model = encoder()
    const cache = new StateCache(t, new LogMelCache(t, manifest.audio), model)
    t.write(0, sound(16000 * 30, 3))
    const before = await cache.windows([firstFrameOf(6), firstFrameOf(40)], 12)
    t.write(16000 * 5, sound(16000, 9)) // 5 to 6 s again, another take
    const encoded = cache.stats.encoded
    const after = await cache.windows([firstFrameOf(6), firstFrameOf(40)], 12)
    const whole = await wholeSong(t, firstFrameOf(6) - 320, 384 + 640)
    expect(Array.from(after[0]!)).toEqual(Array.from(whole.data.subarray(10 * 4, 22 * 4)))
    expect(Array.from(after[0]!)).not.toEqual(Array.from(before[0]!))
    expect(Array.from(after[1]!)).toEqual(Array.from(before[1]!)) // 17 to 23 s: too far to hear it
    // states 4.5-6.5 s (and their context, 1.5 s each side, plus the STFT's reach) were encoded again; window 6 spans 0-6 s
    expect(cache.stats.encoded - encoded).toBeGreaterThanOrEqual(4)
    expect(cache.stats.encoded - encoded).toBeLessThanOrEqual(8)
  })
})
