import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { Fft } from '../../../bridge/engine/fft.js'
import { LogMelExtractor, logMel, melFilterbank, sliceLogMel } from '../../../bridge/engine/log-mel.js'
import { validateManifest } from '../../../bridge/engine/manifest.js'

const root = join(import.meta.dirname, '../../..')
const config = JSON.parse(readFileSync(join(root, 'model/manifest.json'), 'utf8')).audio
const fixture = (name: string) => {
  const buf = readFileSync(join(root, 'test/fixtures', name))
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
}

const python = process.env.EMOLANE_PYTHON ?? '/usr/bin/python3'

describe('mel banks', () => {
  test.runIf(existsSync(python))("both scales are model/audio.py's banks to float32 (HTK peak 1; Slaney area-normalised, Essentia musicnn's)", () => {
    for (const scale of ['htk', 'slaney'] as const) {
      const script = `import json\nfrom model import audio\nprint(json.dumps(audio.mel_filterbank(${JSON.stringify(scale)}).tolist()))`
      const reference = JSON.parse(execFileSync(python, ['-c', script], { cwd: root, encoding: 'utf8' })) as number[][]
      const bank = melFilterbank({ ...config, mel_scale: scale })
      let err = 0
      bank.forEach((row, m) => row.forEach((w, k) => (err = Math.max(err, Math.abs(w - reference[m]![k]!)))))
      expect(err, scale).toBeLessThan(1e-8)
      // Slaney's triangles have equal area (2 / width), not equal height: its low bands are taller
      const peak = (r: Float64Array) => Math.max(...r)
      if (scale === 'slaney') expect(peak(bank[0]!)).toBeGreaterThan(5 * peak(bank[95]!))
      else expect(Math.max(...bank.map(peak))).toBeLessThanOrEqual(1)
    }
  })
})

describe('logMel', () => {
  test('matches model/audio.py on the reference signal within 1e-3 (ln scale)', () => {
    const shape = JSON.parse(readFileSync(join(root, 'test/fixtures/logmel-ref.json'), 'utf8'))
    const pcm = fixture('logmel-ref.pcm.bin')
    const ref = fixture('logmel-ref.mel.bin')
    const got = logMel(pcm, config)
    expect([got.mels, got.frames]).toEqual([shape.mels, shape.frames])
    let worst = 0
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got.data[i]! - ref[i]!))
    expect(worst).toBeLessThan(1e-3)
  })

  test('gives ceil(N / hop) frames, and none for an empty signal', () => {
    expect(logMel(new Float32Array(250), config).frames).toBe(1)
    expect(logMel(new Float32Array(251), config).frames).toBe(2)
    expect(logMel(new Float32Array(0), config).frames).toBe(0)
  })

  test('a range starting before the signal is silence there and equals the full spectrogram after', () => {
    const pcm = fixture('logmel-ref.pcm.bin')
    const ex = new LogMelExtractor(config)
    const full = ex.compute(pcm)
    const shifted = ex.compute(pcm, { firstFrame: -10, frames: full.frames + 10 })
    const silence = Math.log(config.log_floor)
    for (let m = 0; m < full.mels; m++) {
      expect(shifted.data[m * shifted.frames]).toBeCloseTo(silence, 5)
      for (let f = 0; f < full.frames; f++) expect(shifted.data[m * shifted.frames + f + 10]).toBe(full.data[m * full.frames + f])
    }
  })

  test('sliceLogMel copies frames and pads with silence outside', () => {
    const pcm = fixture('logmel-ref.pcm.bin')
    const full = logMel(pcm, config)
    const part = sliceLogMel(full, full.frames - 2, 4, config.log_floor)
    expect(part.data[1]).toBe(full.data[full.frames - 1])
    expect(part.data[2]).toBeCloseTo(Math.log(config.log_floor), 5)
  })
})

describe('Fft', () => {
  test('transforms an impulse to a flat spectrum and a cosine to two bins', () => {
    const fft = new Fft(16)
    const impulse = new Float64Array(16)
    impulse[0] = 1
    expect(Array.from(fft.powerSpectrum(impulse))).toEqual(new Array(9).fill(1))
    const cos = Float64Array.from({ length: 16 }, (_, n) => Math.cos((2 * Math.PI * 3 * n) / 16))
    const p = fft.powerSpectrum(cos)
    expect(p[3]).toBeCloseTo(64, 9)
    expect(p.reduce((a, b) => a + b) - p[3]!).toBeCloseTo(0, 9)
  })

  test('rejects a size that is not a power of two', () => {
    expect(() => new Fft(500)).toThrow(/power of two/)
  })
})

describe('the manifest names the bands', () => {
  test("the shipped manifest's scale is the one its log-mel uses; the other scale gives other bands; any other name is refused", () => {
    const manifest = JSON.parse(readFileSync(join(root, 'model/manifest.json'), 'utf8'))
    const shipped = validateManifest(manifest)
    const otherScale = shipped.audio.mel_scale === 'slaney' ? 'htk' : 'slaney'
    const other = validateManifest({ ...manifest, audio: { ...manifest.audio, mel_scale: otherScale } })
    expect(other.audio.mel_scale).toBe(otherScale)
    const tone = Float32Array.from({ length: 16000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 300 * i) / 16000))
    const a = logMel(tone, shipped.audio).data
    const b = logMel(tone, other.audio).data
    expect(a.some((v, i) => Math.abs(v - b[i]!) > 0.5)).toBe(true)
    expect(() => validateManifest({ ...manifest, audio: { ...manifest.audio, mel_scale: 'bark' } })).toThrow(/audio\.mel_scale "htk" or "slaney", got "bark"/)
  })
})
