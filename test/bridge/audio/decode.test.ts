import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { decodeAudioFile } from '../../../bridge/audio/decode.js'

const dir = await mkdtemp(join(tmpdir(), 'emolane-decode-'))
afterAll(() => rm(dir, { recursive: true, force: true }))
const python = process.env.EMOLANE_PYTHON ?? '/usr/bin/python3'

/** A 16-bit stereo WAV: a tone (440 Hz) on the left, silence on the right. */
function wav(rate: number, seconds: number, hz = 440): Buffer {
  const frames = Math.round(rate * seconds)
  const data = Buffer.alloc(frames * 4)
  for (let i = 0; i < frames; i++) data.writeInt16LE(Math.round(16000 * Math.sin((2 * Math.PI * hz * i) / rate)), i * 4)
  const h = Buffer.alloc(44)
  h.write('RIFF', 0)
  h.writeUInt32LE(36 + data.length, 4)
  h.write('WAVEfmt ', 8)
  h.writeUInt32LE(16, 16)
  h.writeUInt16LE(1, 20)
  h.writeUInt16LE(2, 22)
  h.writeUInt32LE(rate, 24)
  h.writeUInt32LE(rate * 4, 28)
  h.writeUInt16LE(4, 32)
  h.writeUInt16LE(16, 34)
  h.write('data', 36)
  h.writeUInt32LE(data.length, 40)
  return Buffer.concat([h, data])
}

const rms = (x: Float32Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length)

describe('decodeAudioFile', () => {
  test('resamples a 44.1 kHz stereo WAV to 16 kHz mono, the mean of the channels', async () => {
    const path = join(dir, 'tone.wav')
    await writeFile(path, wav(44100, 2))
    const a = await decodeAudioFile(path)
    expect(a.sampleRate).toBe(16000)
    expect(a.channels).toBe(2)
    expect(a.duration).toBeCloseTo(2, 2)
    // left at 16000/32768 amplitude, right silent: the mono mean has half the left's RMS
    expect(rms(a.pcm.subarray(1000, 30000))).toBeCloseTo((16000 / 32768 / Math.SQRT2) / 2, 2)
  })

  test("a 16 kHz file brought to 48 kHz keeps its top octave (the model hears it; the decoder's own upsampling lost up to 7 dB)", async () => {
    const path = join(dir, 'high.wav')
    await writeFile(path, wav(16000, 2, 6500))
    const native = await decodeAudioFile(path)
    const up = await decodeAudioFile(path, { sampleRate: 48000 })
    expect(up.sampleRate).toBe(48000)
    expect(up.duration).toBeCloseTo(2, 2)
    const level = rms(up.pcm.subarray(3000, 90000)) / rms(native.pcm.subarray(1000, 30000))
    expect(20 * Math.log10(level)).toBeGreaterThan(-0.5)
  })

  test('decodes the bundled MP3', async () => {
    const a = await decodeAudioFile(join(import.meta.dirname, '../../../examples/demo-song.mp3'))
    expect(a.duration).toBeGreaterThan(52)
    expect(rms(a.pcm)).toBeGreaterThan(0.01)
  })

  test.runIf(existsSync(python))('decodes FLAC and Ogg Vorbis', async () => {
    const script = 'import sys,numpy as np,soundfile as sf\nt=np.arange(22050)/22050\nx=0.5*np.sin(2*np.pi*440*t)\nsf.write(sys.argv[1],x,22050)\nsf.write(sys.argv[2],x,22050)'
    execFileSync(python, ['-c', script, join(dir, 'tone.flac'), join(dir, 'tone.ogg')])
    for (const name of ['tone.flac', 'tone.ogg']) {
      const a = await decodeAudioFile(join(dir, name))
      expect(a.duration).toBeCloseTo(1, 1)
      expect(rms(a.pcm.subarray(2000, 14000))).toBeCloseTo(0.5 / Math.SQRT2, 1)
    }
  })

  test('decodes AAC, raw (ADTS .aac) and in MP4 (.m4a)', async () => {
    // 1 s of 440 Hz at amplitude 1/16, 22.05 kHz, 32 kbit/s (test/reliability/fixtures, made with ffmpeg)
    for (const name of ['tone.aac', 'tone.m4a']) {
      const a = await decodeAudioFile(join(import.meta.dirname, '../../reliability/fixtures', name))
      expect(a.duration).toBeGreaterThan(0.99)
      expect(a.duration).toBeLessThan(1.1) // the encoder's priming samples
      expect(rms(a.pcm.subarray(2000, 14000))).toBeCloseTo(1 / 16 / Math.SQRT2, 2)
    }
  })

  test('a missing file says it cannot be read', async () => {
    await expect(decodeAudioFile(join(dir, 'nope.wav'))).rejects.toThrow(/cannot read audio file .*nope\.wav: no such file \(ENOENT\)/)
  })

  test('an empty file and a file of junk say what was expected', async () => {
    await writeFile(join(dir, 'empty.mp3'), '')
    await expect(decodeAudioFile(join(dir, 'empty.mp3'))).rejects.toThrow(/is empty/)
    await writeFile(join(dir, 'junk.mp3'), 'this is not audio at all, just text pretending')
    await expect(decodeAudioFile(join(dir, 'junk.mp3'))).rejects.toThrow(/cannot decode .*junk\.mp3 as audio \(expected WAV, MP3, FLAC, Ogg Vorbis or AAC\)/)
  })

  test('a truncated WAV header is refused', async () => {
    await writeFile(join(dir, 'cut.wav'), wav(16000, 1).subarray(0, 30))
    await expect(decodeAudioFile(join(dir, 'cut.wav'))).rejects.toThrow(/cannot decode/)
  })
})
