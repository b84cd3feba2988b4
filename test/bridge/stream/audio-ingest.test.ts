import { describe, expect, test } from 'vitest'
import { AudioIngest } from '../../../bridge/stream/audio-ingest.js'
import { AudioTimeline } from '../../../bridge/stream/audio-timeline.js'

const block = (time: number, n: number, value = 0.5, rate = 16000) => ({ channels: 1, sampleRate: rate, time, samples: new Float32Array(n).fill(value) })

function setup() {
  const timeline = new AudioTimeline(16000, 600)
  return { timeline, ingest: new AudioIngest(timeline) }
}

describe('AudioIngest', () => {
  test('contiguous blocks form one run written without gaps', () => {
    const { timeline, ingest } = setup()
    for (let i = 0; i < 10; i++) ingest.accept(block(i * 0.01, 160))
    ingest.endRun()
    expect(timeline.written.toArray()).toEqual([[0, 1600]])
    expect(Array.from(timeline.read(0, 1600)).every((v) => Math.abs(v - 0.5) < 1e-6)).toBe(true)
  })

  test('a block continuing the previous one despite float32 time jitter joins its run', () => {
    const { ingest } = setup()
    ingest.accept(block(300, 480, 0.1, 48000))
    ingest.accept(block(Math.fround(300.01), 480, 0.1, 48000)) // off by ~6 µs
    expect(ingest.head).toBeCloseTo(300.02, 9)
  })

  test('a duplicate block is refused as an overlap, an older one as out of order', () => {
    const { ingest } = setup()
    ingest.accept(block(1, 1600))
    ingest.accept(block(1.1, 1600))
    expect(() => ingest.accept(block(1.1, 1600))).toThrow(expect.objectContaining({ code: 'audio-overlap' }))
    expect(() => ingest.accept(block(1, 1600))).toThrow(expect.objectContaining({ code: 'audio-out-of-order' }))
  })

  test('a late datagram that fills a hole in this pass is accepted', () => {
    const { timeline, ingest } = setup()
    ingest.accept(block(1, 1600))
    ingest.accept(block(1.2, 1600)) // 1.1 .. 1.2 went missing
    ingest.accept(block(1.1, 1600, 0.25))
    ingest.endRun()
    expect(timeline.written.toArray()).toEqual([[16000, 20800]])
    expect(timeline.read(18000, 1)[0]).toBeCloseTo(0.25, 6)
  })

  test('a seek starts a new pass whose audio replaces the old audio there', () => {
    const { timeline, ingest } = setup()
    for (let i = 0; i < 20; i++) ingest.accept(block(i * 0.1, 1600, 0.5))
    ingest.startPass()
    ingest.accept(block(0.5, 1600, -0.5))
    ingest.endRun()
    expect(timeline.read(8800, 1)[0]).toBeCloseTo(-0.5, 6)
    expect(timeline.read(1000, 1)[0]).toBeCloseTo(0.5, 6)
  })

  test('jumping back by more than a second without a seek is a loop: replaces, no error', () => {
    const { timeline, ingest } = setup()
    for (let i = 0; i < 40; i++) ingest.accept(block(i * 0.1, 1600, 0.5))
    expect(() => ingest.accept(block(1, 1600, -0.5))).not.toThrow()
    ingest.endRun()
    expect(timeline.read(16800, 1)[0]).toBeCloseTo(-0.5, 6)
    expect(ingest.passCount).toBe(1)
  })

  test('refuses audio past the timeline limit and wholly before song time 0', () => {
    const { ingest } = setup()
    expect(() => ingest.accept(block(600, 160))).toThrow(expect.objectContaining({ code: 'audio-too-long' }))
    expect(() => ingest.accept(block(-1, 1600))).toThrow(expect.objectContaining({ code: 'audio-bad-time' }))
  })

  test('resamples a 48 kHz stereo run onto the 16 kHz grid', () => {
    const { timeline, ingest } = setup()
    const n = 4800
    const stereo = new Float32Array(n * 2)
    for (let i = 0; i < n; i++) stereo[2 * i] = stereo[2 * i + 1] = Math.sin((2 * Math.PI * 440 * i) / 48000)
    ingest.accept({ channels: 2, sampleRate: 48000, time: 0, samples: stereo })
    ingest.endRun()
    expect(timeline.written.toArray()).toEqual([[0, 1600]])
    const mid = timeline.read(800, 1)[0]!
    expect(mid).toBeCloseTo(Math.sin((2 * Math.PI * 440 * 800) / 16000), 3)
  })
})
