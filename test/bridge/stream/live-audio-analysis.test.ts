import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { AnalysisThread } from '../../../bridge/analysis/analysis-thread.js'
import { inProcessAnalysis, type AudioAnalysisRunner, type BlockFeaturesRequest } from '../../../bridge/analysis/audio-analysis-ops.js'
import { loudnessDb, measureCues } from '../../../bridge/analysis/cues.js'
import { detectSections, FEATURE_DIMS, rawBlockFeatures } from '../../../bridge/analysis/section-detection.js'
import { decodeAudioFile } from '../../../bridge/audio/decode.js'
import { AudioTimeline } from '../../../bridge/stream/audio-timeline.js'
import { LiveAudioAnalysis } from '../../../bridge/stream/live-audio-analysis.js'

const RATE = 16000
let song: Float32Array

beforeAll(async () => {
  // the example song (Verse, Chorus, Bridge) twice: 105 s with parts that return
  const pcm = (await decodeAudioFile(join(import.meta.dirname, '..', '..', '..', 'examples', 'demo-song.mp3'), { sampleRate: RATE })).pcm
  song = new Float32Array(pcm.length * 2)
  song.set(pcm)
  song.set(pcm, pcm.length)
})

/** A runner that records which blocks it was asked to compute and how many cue measurements it made. */
function counting(inner: AudioAnalysisRunner): AudioAnalysisRunner & { blocks: number; cueCalls: number } {
  const r = {
    blocks: 0,
    cueCalls: 0,
    blockFeatures: (q: BlockFeaturesRequest) => {
      r.blocks += q.to - q.from
      return inner.blockFeatures(q)
    },
    detect: inner.detect.bind(inner),
    song: inner.song.bind(inner),
    cues: (q: Parameters<AudioAnalysisRunner['cues']>[0]) => {
      r.cueCalls++
      return inner.cues(q)
    },
    close: () => inner.close(),
  }
  return r
}

/** Streams [from, to) seconds of the song into the timeline in 50 ms blocks. */
function play(t: AudioTimeline, from: number, to: number, source = song): void {
  for (let a = Math.round(from * RATE); a < Math.round(to * RATE); a += 800) t.write(a, source.subarray(a, Math.min(a + 800, Math.round(to * RATE))))
}

describe('LiveAudioAnalysis', () => {
  let thread: AnalysisThread
  beforeAll(async () => {
    thread = await AnalysisThread.start()
  })
  afterAll(async () => {
    await thread?.close()
  })

  for (const where of ['this thread', 'the analysis thread'] as const) {
    test(`sections found while the song streams in equal detectSections over the whole song so far (${where})`, async () => {
      const t = new AudioTimeline(RATE, 600)
      const live = new LiveAudioAnalysis(t, where === 'this thread' ? inProcessAnalysis : thread)
      let at = 0
      for (const until of [3, 17.25, 40, 64.5, song.length / RATE]) {
        play(t, at, until)
        at = until
        const whole = t.read(0, t.written.end)
        expect(await live.sections({ minSectionSeconds: 8 }), `at ${until} s`).toEqual(detectSections(whole, RATE, { minSectionSeconds: 8 }))
        const { raw } = await live.features()
        const expected = rawBlockFeatures(whole, RATE, 0.5)
        expect(raw.length).toBe(expected.length * FEATURE_DIMS)
        expected.forEach((row, b) => expect(raw.subarray(b * FEATURE_DIMS, (b + 1) * FEATURE_DIMS), `block ${b} at ${until} s`).toEqual(row))
      }
      // a re-recorded take over 20-31 s (the Chorus again, from the second pass) and a hole filled late
      t.write(20 * RATE, song.subarray(72 * RATE, 83 * RATE))
      expect(await live.sections({ minSectionSeconds: 8 })).toEqual(detectSections(t.read(0, t.written.end), RATE, { minSectionSeconds: 8 }))
      live.close()
    })
  }

  test('computes only the blocks it has not seen: a few per run while playing, those under a re-recorded take', async () => {
    const t = new AudioTimeline(RATE, 600)
    const runner = counting(inProcessAnalysis)
    const live = new LiveAudioAnalysis(t, runner)
    play(t, 0, 60)
    await live.sections()
    expect(runner.blocks).toBe(120) // every block once
    play(t, 60, 64)
    runner.blocks = 0
    await live.sections()
    // the 8 new blocks, and the tail blocks that were not complete yet
    expect(runner.blocks).toBeGreaterThanOrEqual(8)
    expect(runner.blocks).toBeLessThanOrEqual(12)
    runner.blocks = 0
    await live.sections()
    expect(runner.blocks).toBeLessThanOrEqual(2) // only the incomplete tail
    t.write(30 * RATE, song.subarray(0, 2 * RATE))
    runner.blocks = 0
    await live.sections()
    expect(runner.blocks).toBeGreaterThanOrEqual(4)
    expect(runner.blocks).toBeLessThanOrEqual(4 + 2 + 2)
    live.close()
  })

  test('cues of a section are measured once, again only after its audio is written over, and equal measureCues', async () => {
    const t = new AudioTimeline(RATE, 600)
    const runner = counting(thread)
    const live = new LiveAudioAnalysis(t, runner)
    play(t, 0, 50)
    const expected = measureCues(t.read(16 * RATE, 16 * RATE), RATE, { tempoBpm: null })
    expect(await live.cues(16, 32, null)).toEqual(expected)
    expect(await live.cues(16, 32, null)).toEqual(expected)
    expect(runner.cueCalls).toBe(1)
    expect(await live.cues(16, 32, 120)).toEqual(measureCues(t.read(16 * RATE, 16 * RATE), RATE, { tempoBpm: 120 }))
    expect(runner.cueCalls).toBe(2)
    await live.cues(40, 48, null) // elsewhere: not touched by the take below
    t.write(20 * RATE, song.subarray(70 * RATE, 72 * RATE))
    expect(await live.cues(16, 32, null)).toEqual(measureCues(t.read(16 * RATE, 16 * RATE), RATE, { tempoBpm: null }))
    expect(runner.cueCalls).toBe(4)
    await live.cues(40, 48, null)
    expect(runner.cueCalls).toBe(4)
    expect(await live.cues(200, 210, null)).toBeNull() // nothing heard there
    live.close()
  })

  test('keeps at most maxCues section cues', async () => {
    const t = new AudioTimeline(RATE, 600)
    const live = new LiveAudioAnalysis(t, inProcessAnalysis, { maxCues: 3 })
    play(t, 0, 30)
    for (let s = 0; s < 20; s += 2) await live.cues(s, s + 6, 100)
    expect(live.size.cues).toBe(3)
    live.close()
  })

  test('the song loudness follows the audio as loudnessDb over the whole song does', () => {
    const t = new AudioTimeline(RATE, 600)
    const live = new LiveAudioAnalysis(t, inProcessAnalysis)
    expect(live.loudnessDb()).toBeNull()
    play(t, 0, 20.3)
    expect(live.loudnessDb()).toBeCloseTo(loudnessDb(t.read(0, t.written.end)), 9)
    t.write(5 * RATE, new Float32Array(3 * RATE)) // a silent take
    play(t, 20.3, 33)
    expect(live.loudnessDb()).toBeCloseTo(loudnessDb(t.read(0, t.written.end)), 9)
    t.clear()
    expect(live.loudnessDb()).toBeNull()
    live.close()
  })
})
