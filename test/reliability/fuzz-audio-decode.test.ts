/**
 * Fuzzing audio decoding (what `emolane analyze`, `watch` and `stream` read): WAV, MP3, FLAC, Ogg
 * Vorbis and AAC (ADTS, MP4) files truncated, flipped, spliced and grown. Each case decodes to PCM that the
 * analysis accepts or refuses with an AudioInputError, or fails with an AudioDecodeError naming the
 * file and the formats expected; the process never aborts and never allocates without bound.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { AudioInputError, checkPcm } from '../../bridge/analysis/audio-checks.js'
import { AudioDecodeError, decodeAudioBytes } from '../../bridge/audio/decode.js'
import { expectClearError, fuzzRuns, fuzzSeed, fuzzTimeoutMs, hostileBytes, messageShape, Outcomes } from './fuzz-support.js'

const SEED = fuzzSeed(3003)
const RUNS = fuzzRuns(600)
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(import.meta.dirname, 'fixtures', name)))

/** Decodes one case and checks the outcome; returns its tally key. */
async function decodeCase(bytes: Uint8Array, name: string): Promise<string> {
  let pcm: Float32Array
  try {
    pcm = (await decodeAudioBytes(bytes, name)).pcm
  } catch (err) {
    expectClearError(err, [AudioDecodeError], `${name} (${bytes.length} bytes)`)
    expect((err as Error).message).toContain(name)
    return messageShape((err as Error).message)
  }
  expect(pcm.length).toBeGreaterThan(0)
  try {
    checkPcm(pcm, 16000, name)
  } catch (err) {
    // a float WAV may carry NaN or absurd values: the analysis refuses them by name
    expectClearError(err, [AudioInputError], `${name}: decoded PCM`)
    return 'decoded, refused by the analysis'
  }
  return 'accepted'
}

const cases = [
  { name: 'WAV', seeds: ['tone-float.wav', 'tone-u8.wav'] },
  { name: 'MP3', seeds: ['demo-head.mp3'] },
  { name: 'FLAC', seeds: ['tone.flac'] },
  { name: 'Ogg Vorbis', seeds: ['tone.ogg'] },
  // 1 s of 440 Hz at 22.05 kHz, 32 kbit/s (made once with ffmpeg's aac encoder): ADTS and MP4
  { name: 'AAC', seeds: ['tone.aac', 'tone.m4a'] },
]

describe('audio decoding under fuzzing', () => {
  for (const c of cases) {
    test(
      `${c.name}: ${RUNS} malformed and truncated files decode cleanly or fail with an AudioDecodeError`,
      async () => {
        const seeds = c.seeds.map(fixture)
        const outcomes = new Outcomes()
        await fc.assert(
          fc.asyncProperty(hostileBytes(seeds, 2048), async (bytes) => {
            outcomes.add(await decodeCase(bytes, `fuzz.${c.name.toLowerCase().replace(/\s+/g, '-')}`))
          }),
          { numRuns: RUNS, seed: SEED },
        )
        expect(outcomes.total).toBe(RUNS)
        expect(outcomes.counts.get('accepted') ?? 0).toBeGreaterThan(0)
        expect(outcomes.rejected).toBeGreaterThan(0)
      },
      fuzzTimeoutMs(30_000),
    )
  }

  test('bug: a header declaring a 1 Hz sample rate is refused before decoding (it made a 200 KB WAV allocate 18 GB)', async () => {
    // WAV: the rate sits at byte 24 of a canonical header
    const wav = fixture('tone-u8.wav')
    new DataView(wav.buffer).setUint32(24, 1, true)
    await expect(decodeAudioBytes(wav, 'tiny-rate.wav')).rejects.toThrow(/tiny-rate\.wav: its WAV header declares a sample rate of 1 Hz, expected 4000-768000 Hz/)
    // FLAC: 20 bits from byte 18 of STREAMINFO
    const flac = fixture('tone.flac')
    flac[18] = 0
    flac[19] = 0
    flac[20] = (flac[20]! & 0x0f) | 0x10
    await expect(decodeAudioBytes(flac, 'tiny-rate.flac')).rejects.toThrow(/FLAC header declares a sample rate of 1 Hz/)
    // Ogg Vorbis: the identification header's rate
    const ogg = fixture('tone.ogg')
    const vorbis = Buffer.from(ogg).indexOf('\x01vorbis', 0, 'latin1')
    new DataView(ogg.buffer).setUint32(vorbis + 12, 2, true)
    await expect(decodeAudioBytes(ogg, 'tiny-rate.ogg')).rejects.toThrow(/Ogg Vorbis header declares a sample rate of 2 Hz/)
    // the untouched files still decode
    for (const name of ['tone-u8.wav', 'tone.flac', 'tone.ogg']) expect((await decodeAudioBytes(fixture(name), name)).duration).toBeGreaterThan(0.09)
  })
})
