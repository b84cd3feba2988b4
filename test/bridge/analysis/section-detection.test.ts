import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { detectSections, labelParts } from '../../../bridge/analysis/section-detection.js'
import { decodeAudioFile } from '../../../bridge/audio/decode.js'

const RATE = 16000

/** Three textures: chords, noise, chords again (A B A), each `seconds` long. */
function abaSong(seconds: number): Float32Array {
  const n = seconds * RATE
  const out = new Float32Array(3 * n)
  let seed = 11
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE
    if (i >= n && i < 2 * n) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      out[i] = 0.2 * (seed / 0x7fffffff - 0.5) + 0.1 * Math.sin(2 * Math.PI * 98 * t)
    } else {
      const f = [262, 330, 392][Math.floor(t) % 3]!
      out[i] = 0.3 * Math.sin(2 * Math.PI * f * t) + 0.1 * Math.sin(2 * Math.PI * 2 * f * t)
    }
  }
  return out
}

describe('detectSections', () => {
  test('finds the boundaries of an A B A song and labels the return of A', () => {
    const spans = detectSections(abaSong(15), RATE, { minSectionSeconds: 8 })
    expect(spans.length).toBe(3)
    expect(spans[1]!.start).toBeCloseTo(15, -0.5)
    expect(spans[2]!.start).toBeCloseTo(30, -0.5)
    expect(spans.map((s) => s.name)).toEqual(['Part 1 (A)', 'Part 2 (B)', 'Part 3 (A)'])
    expect(spans.every((s) => s.source === 'detected')).toBe(true)
  })

  test('covers the whole clip without gaps and respects the shortest section', () => {
    const pcm = abaSong(15)
    const spans = detectSections(pcm, RATE, { minSectionSeconds: 5 })
    expect(spans[0]!.start).toBe(0)
    expect(spans.at(-1)!.end).toBeCloseTo(pcm.length / RATE, 9)
    spans.forEach((s, i) => {
      expect(s.end - s.start).toBeGreaterThanOrEqual(5 - 1e-9)
      if (i > 0) expect(s.start).toBe(spans[i - 1]!.end)
    })
  })

  test('keeps a clip shorter than two sections whole', () => {
    const spans = detectSections(abaSong(4), RATE, { minSectionSeconds: 8 })
    expect(spans).toEqual([{ start: 0, end: 12, name: 'Part 1 (A)', source: 'detected' }])
  })

  test('finds the change from the upbeat major part to the slow minor part of the example song', async () => {
    const song = await decodeAudioFile(join(import.meta.dirname, '../../../examples/demo-song.mp3'))
    const spans = detectSections(song.pcm, RATE, { minSectionSeconds: 8 })
    expect(spans.some((s) => Math.abs(s.start - 32) <= 1.5)).toBe(true)
  })

  test('one calm clip split into parts keeps one letter: its halves sound alike', () => {
    // a soft pad moving between three chords every 2 s, 40 s long: no part sounds unlike another
    const n = 40 * RATE
    const pcm = new Float32Array(n)
    for (let i = 0; i < n; i++) {
      const t = i / RATE
      const root = [220, 247, 196][Math.floor(t / 2) % 3]!
      pcm[i] = 0.1 * (Math.sin(2 * Math.PI * root * t) + Math.sin(2 * Math.PI * root * 1.25 * t) + Math.sin(2 * Math.PI * root * 1.5 * t))
    }
    const spans = detectSections(pcm, RATE, { minSectionSeconds: 8 })
    expect(spans.length).toBeGreaterThan(1)
    expect(new Set(spans.map((s) => s.name.slice(-2, -1)))).toEqual(new Set(['A']))
  })

  test('parts far apart never share a letter, even pointing the same way from the song mean', () => {
    // z-scored means: the second and third point the same way (cosine 1) but lie far apart
    const means = [Float64Array.from([0, 0, 0]), Float64Array.from([1, 1, 0]), Float64Array.from([4, 4, 0])]
    expect(labelParts(means, 0.5)).toEqual(['A', 'B', 'B'])
    expect(labelParts(means, 0.5, 1)).toEqual(['A', 'B', 'C'])
    // and means within half a spread of each other share one, whatever their angle
    expect(labelParts([Float64Array.from([0.1, 0, 0]), Float64Array.from([-0.1, 0.1, 0])], 0.5, 1)).toEqual(['A', 'A'])
  })

  test('parts share a letter only when they sound alike', () => {
    const a = Float64Array.from([1, 0, 0])
    const b = Float64Array.from([0, 1, 0])
    expect(labelParts([a, b, Float64Array.from([0.9, 0.1, 0]), b], 0.5)).toEqual(['A', 'B', 'A', 'B'])
  })
})
