import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { decodeAudioBytes, decodeAudioFile } from '../../../bridge/audio/decode.js'
import { decodeWavFile, parseWavHeader } from '../../../bridge/audio/wav-reader.js'
import { resample } from '../../../bridge/stream/resampler.js'

const dir = await mkdtemp(join(tmpdir(), 'emolane-wav-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

type Layout = { bits: number; float?: boolean; extensible?: boolean }

/** Channel c of frame i: a 440 Hz tone on the left, a 1 kHz one at half level on the right. */
const sample = (i: number, c: number, rate: number): number => (c === 0 ? 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate) : 0.25 * Math.sin((2 * Math.PI * 1000 * i) / rate))

/** A stereo WAV of `frames` frames in the given sample layout. */
function wav(rate: number, frames: number, l: Layout, extra: { declaredBytes?: number; riff?: string } = {}): Buffer {
  const bytes = l.bits / 8
  const data = Buffer.alloc(frames * 2 * bytes)
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < 2; c++) {
      const v = sample(i, c, rate)
      const at = (i * 2 + c) * bytes
      if (l.float) l.bits === 32 ? data.writeFloatLE(v, at) : data.writeDoubleLE(v, at)
      else if (l.bits === 8) data.writeUInt8(Math.round(v * 127) + 128, at)
      else if (l.bits === 16) data.writeInt16LE(Math.round(v * 32767), at)
      else if (l.bits === 24) data.writeIntLE(Math.round(v * 8388607), at, 3)
      else data.writeInt32LE(Math.round(v * 2147483647), at)
    }
  }
  const fmt = Buffer.alloc(l.extensible ? 40 : 16)
  fmt.writeUInt16LE(l.extensible ? 0xfffe : l.float ? 3 : 1, 0)
  fmt.writeUInt16LE(2, 2)
  fmt.writeUInt32LE(rate, 4)
  fmt.writeUInt32LE(rate * 2 * bytes, 8)
  fmt.writeUInt16LE(2 * bytes, 12)
  fmt.writeUInt16LE(l.bits, 14)
  if (l.extensible) {
    fmt.writeUInt16LE(22, 16)
    fmt.writeUInt16LE(l.bits, 18)
    fmt.writeUInt32LE(3, 20) // front left, front right
    fmt.writeUInt16LE(l.float ? 3 : 1, 24) // the sub-format GUID's first two bytes
  }
  const chunk = (id: string, body: Buffer, size = body.length) => {
    const h = Buffer.alloc(8)
    h.write(id, 0)
    h.writeUInt32LE(size, 4)
    return Buffer.concat([h, body, body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)])
  }
  // a metadata chunk of odd length before the samples, as DAWs write (padded to even)
  const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', fmt), chunk('LIST', Buffer.from('INFOISFTodd')), chunk('data', data, extra.declaredBytes)])
  const head = Buffer.alloc(8)
  head.write(extra.riff ?? 'RIFF', 0)
  head.writeUInt32LE(body.length, 4)
  return Buffer.concat([head, body])
}

const maxDiff = (a: Float32Array, b: ArrayLike<number>, from = 0, to = a.length) => {
  let m = 0
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

describe('WAV files read in blocks', () => {
  const layouts: [string, Layout, number][] = [
    ['8-bit unsigned', { bits: 8 }, 1 / 100],
    ['16-bit', { bits: 16 }, 1e-4],
    ['24-bit', { bits: 24 }, 1e-6],
    ['32-bit integer', { bits: 32 }, 1e-6],
    ['32-bit float', { bits: 32, float: true }, 1e-6],
    ['64-bit float', { bits: 64, float: true }, 1e-6],
    ['24-bit extensible', { bits: 24, extensible: true }, 1e-6],
    ['32-bit float extensible', { bits: 32, float: true, extensible: true }, 1e-6],
  ]
  for (const [name, layout, tolerance] of layouts) {
    test(`${name} samples read as the mean of the channels`, async () => {
      const a = await decodeAudioBytes(wav(16000, 8000, layout), `${name}.wav`)
      expect(a.channels).toBe(2)
      expect(a.pcm.length).toBe(8000)
      const mono = Array.from({ length: 8000 }, (_, i) => (sample(i, 0, 16000) + sample(i, 1, 16000)) / 2)
      expect(maxDiff(a.pcm, mono)).toBeLessThan(tolerance)
    })
  }

  test('samples at an odd byte offset in memory read the same as aligned ones (typed views need alignment)', async () => {
    const w = wav(16000, 4000, { bits: 16 })
    const odd = new Uint8Array(w.length + 1).subarray(1)
    odd.set(w)
    const a = await decodeAudioBytes(w, 'aligned.wav')
    const b = await decodeAudioBytes(odd, 'odd.wav')
    expect(maxDiff(a.pcm, b.pcm)).toBe(0)
  })

  test('a 44.1 kHz file read from disk in blocks equals the whole signal resampled at once', async () => {
    // 40 s: more than one 1 MiB block of 16-bit stereo
    const frames = 44100 * 40
    const path = join(dir, 'long.wav')
    await writeFile(path, wav(44100, frames, { bits: 16 }))
    const a = await decodeAudioFile(path)
    const mono = new Float32Array(frames)
    for (let i = 0; i < frames; i++) mono[i] = (Math.round(sample(i, 0, 44100) * 32767) + Math.round(sample(i, 1, 44100) * 32767)) / 2 / 32768
    const whole = resample(mono, 44100, 16000)
    expect(a.sampleRate).toBe(16000)
    expect(a.pcm.length).toBe(whole.length)
    expect(maxDiff(a.pcm, whole)).toBeLessThan(1e-5)
  })

  test('a file cut short reads what it holds; a size of 0 or 0xFFFFFFFF (streamed, RF64) reads to the end', async () => {
    const full = wav(16000, 4000, { bits: 16 })
    expect((await decodeAudioBytes(full.subarray(0, full.length - 2000), 'cut.wav')).pcm.length).toBe(3500)
    expect((await decodeAudioBytes(wav(16000, 4000, { bits: 16 }, { declaredBytes: 0 }), 'zero.wav')).pcm.length).toBe(4000)
    expect((await decodeAudioBytes(wav(16000, 4000, { bits: 16 }, { declaredBytes: 0xffffffff, riff: 'RF64' }), 'rf64.wav')).pcm.length).toBe(4000)
  })

  test('a damaged header is refused naming the file and what is wrong', async () => {
    const good = wav(16000, 1000, { bits: 16 })
    const noFmt = Buffer.from(good)
    noFmt.write('fmx ', 12)
    await expect(decodeAudioBytes(noFmt, 'nofmt.wav')).rejects.toThrow(/cannot decode nofmt\.wav as WAV: its samples come before the 'fmt ' chunk/)
    const badAlign = Buffer.from(good)
    badAlign.writeUInt16LE(3, 32)
    await expect(decodeAudioBytes(badAlign, 'align.wav')).rejects.toThrow(/align\.wav as WAV: its header declares 3 bytes a frame, but 2 channels of 16 bits take 4/)
    const noChannels = Buffer.from(good)
    noChannels.writeUInt16LE(0, 22)
    await expect(decodeAudioBytes(noChannels, 'mute.wav')).rejects.toThrow(/mute\.wav as WAV: its header declares 0 channels/)
    // a header and no whole frame
    await expect(decodeAudioBytes(good.subarray(0, good.length - 4000 + 2), 'empty.wav')).rejects.toThrow(/empty\.wav decodes to no samples/)
  })

  test('other encodings inside a WAV (here mu-law) are left to the general decoder', async () => {
    const mulaw = wav(8000, 800, { bits: 8 })
    mulaw.writeUInt16LE(7, 20)
    expect(parseWavHeader(mulaw)).toEqual({ unsupported: 'format code 7' })
    // whatever the general decoder makes of it, the outcome is decoded audio or a clear AudioDecodeError
    await decodeAudioBytes(mulaw, 'mulaw.wav').then(
      (a) => expect(a.pcm.length).toBeGreaterThan(0),
      (err: Error) => expect(err.message).toMatch(/cannot decode mulaw\.wav as audio/),
    )
  })

  test('decodeWavFile reads no further than the data the header declares', async () => {
    // trailing chunks after the samples (an 'id3 ' tag) are not samples
    const path = join(dir, 'tagged.wav')
    const w = wav(16000, 1600, { bits: 16 })
    await writeFile(path, Buffer.concat([w, Buffer.from('id3 \x04\x00\x00\x00TAGS')]))
    const a = await decodeWavFile(path, w.length + 12, w.subarray(0, 100), 16000)
    expect('pcm' in a && a.pcm.length).toBe(1600)
  })
})
