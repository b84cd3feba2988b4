import { describe, expect, test } from 'vitest'
import { StreamingResampler, downmix, resample } from '../../../bridge/stream/resampler.js'

const tone = (hz: number, rate: number, seconds: number, amp = 0.5): Float32Array => {
  const n = Math.round(rate * seconds)
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = amp * Math.sin((2 * Math.PI * hz * i) / rate)
  return out
}

/** RMS over the middle half, away from the edges. */
const midRms = (x: Float32Array): number => {
  const a = Math.floor(x.length / 4)
  const b = Math.floor((3 * x.length) / 4)
  let s = 0
  for (let i = a; i < b; i++) s += x[i]! * x[i]!
  return Math.sqrt(s / (b - a))
}

const db = (ratio: number): number => 20 * Math.log10(ratio)

describe('resample', () => {
  test('keeps a 1 kHz tone at its level when downsampling 48 kHz to 16 kHz', () => {
    const out = resample(tone(1000, 48000, 1), 48000, 16000)
    expect(out.length).toBe(16000)
    expect(Math.abs(db(midRms(out) / (0.5 / Math.SQRT2)))).toBeLessThan(0.05)
    // and it is the same tone: compare against a 1 kHz sine at 16 kHz sample by sample
    const ref = tone(1000, 16000, 1)
    let err = 0
    for (let i = 4000; i < 12000; i++) err = Math.max(err, Math.abs(out[i]! - ref[i]!))
    expect(err).toBeLessThan(1e-3)
  })

  test('suppresses a 12 kHz tone that would alias to 4 kHz by more than 60 dB', () => {
    const out = resample(tone(12000, 48000, 1), 48000, 16000)
    expect(db(midRms(out) / (0.5 / Math.SQRT2))).toBeLessThan(-60)
  })

  test('suppresses content just above the new Nyquist (8.6 kHz from 44.1 kHz)', () => {
    const out = resample(tone(8600, 44100, 1), 44100, 16000)
    expect(db(midRms(out) / (0.5 / Math.SQRT2))).toBeLessThan(-40)
  })

  test('upsamples 8 kHz to 16 kHz without changing a 500 Hz tone', () => {
    const out = resample(tone(500, 8000, 1), 8000, 16000)
    const ref = tone(500, 16000, 1)
    expect(out.length).toBe(16000)
    let err = 0
    for (let i = 4000; i < 12000; i++) err = Math.max(err, Math.abs(out[i]! - ref[i]!))
    expect(err).toBeLessThan(1e-3)
  })

  test('passes 16 kHz input through unchanged', () => {
    const x = tone(440, 16000, 0.5)
    const out = resample(x, 16000, 16000)
    let err = 0
    for (let i = 0; i < x.length; i++) err = Math.max(err, Math.abs(out[i]! - x[i]!))
    expect(err).toBeLessThan(1e-6)
  })
})

describe('StreamingResampler', () => {
  test('gives the same output block by block as in one go, whatever the block sizes', () => {
    const x = tone(700, 44100, 0.8)
    const whole = resample(x, 44100, 16000)
    const r = new StreamingResampler(44100, 16000, 0)
    const parts: Float32Array[] = []
    let next = 0
    let at = 0
    const sizes = [1, 7, 512, 13, 4096, 100, 999]
    for (let i = 0; at < x.length; i++) {
      const n = Math.min(sizes[i % sizes.length]!, x.length - at)
      const b = r.push(x.subarray(at, at + n))
      expect(b.start).toBe(next)
      next += b.samples.length
      parts.push(b.samples)
      at += n
    }
    const f = r.flush()
    expect(f.start).toBe(next)
    parts.push(f.samples)
    const joined = Float32Array.from(parts.flatMap((p) => Array.from(p)))
    expect(joined.length).toBe(whole.length)
    let err = 0
    for (let i = 0; i < whole.length; i++) err = Math.max(err, Math.abs(joined[i]! - whole[i]!))
    expect(err).toBeLessThan(1e-6)
  })

  test('the SIMD and plain loops agree, for whole files and for live runs that start between grid points', () => {
    const x = tone(3100, 44100, 0.5).map((v, i) => v + 0.3 * Math.sin(i * 0.37))
    for (const [inRate, start] of [[44100, 0], [48000, 2.50001], [22050, 0.3], [8000, 0]] as const) {
      const runs = [true, false].map((simd) => {
        const r = new StreamingResampler(inRate, 16000, start, { simd })
        const a = r.push(x.subarray(0, 5000))
        const b = r.push(x.subarray(5000))
        return { start: a.start, samples: Float32Array.from([...a.samples, ...b.samples, ...r.flush().samples]) }
      })
      expect(runs[0]!.start).toBe(runs[1]!.start)
      expect(runs[0]!.samples.length).toBe(runs[1]!.samples.length)
      let err = 0
      for (let i = 0; i < runs[0]!.samples.length; i++) err = Math.max(err, Math.abs(runs[0]!.samples[i]! - runs[1]!.samples[i]!))
      expect(err, `${inRate} Hz from ${start} s`).toBeLessThan(1e-5)
    }
  })

  test('places output on the absolute song-time grid for a run starting between grid points', () => {
    // a run starting at 1.00003 s: first output is grid sample ceil(1.00003 * 16000) = 16001
    const r = new StreamingResampler(48000, 16000, 1.00003)
    r.push(tone(1000, 48000, 0.1))
    const rest = r.flush()
    expect(rest.start + rest.samples.length).toBe(Math.ceil((1.00003 + 0.1) * 16000 - 1e-6))
    const r2 = new StreamingResampler(48000, 16000, 1.00003)
    expect(r2.push(new Float32Array(4800)).start).toBe(16001)
  })
})

test('downmix averages interleaved channels', () => {
  expect(Array.from(downmix(new Float32Array([1, 0, 0.5, 0.5, -1, 1]), 2))).toEqual([0.5, 0.5, 0])
})
