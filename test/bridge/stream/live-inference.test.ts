import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import type { Frame } from '../../../bridge/analysis/types.js'
import type { WindowInput, WindowOutput } from '../../../bridge/engine/emotion-model.js'
import { LogMelExtractor } from '../../../bridge/engine/log-mel.js'
import { loadManifest } from '../../../bridge/engine/manifest.js'
import { LiveInference, type WindowModel } from '../../../bridge/stream/live-inference.js'
import { LiveTimeline } from '../../../bridge/stream/live-timeline.js'

/** A stand-in model that takes `delayMs` per batch and reads the window's loudness as valence (each window alone: no encoder context). */
async function slowModel(delayMs: number): Promise<WindowModel & { batches: number[][] }> {
  const shipped = await loadManifest(join(import.meta.dirname, '..', '..', '..', 'model'))
  const manifest = { ...shipped, audio: { ...shipped.audio, encoder_context: 0 } }
  const mel = new LogMelExtractor(manifest.audio)
  const batches: number[][] = []
  return {
    manifest,
    windowFrames: 384,
    batches,
    logMel: (pcm, range) => mel.compute(pcm, range),
    async run(windows: WindowInput[]): Promise<WindowOutput[]> {
      await new Promise((r) => setTimeout(r, delayMs))
      batches.push(windows.map((w) => w.logMel.reduce((a, b) => a + b, 0) / w.logMel.length))
      return windows.map((w) => {
        const loud = w.logMel.reduce((a, b) => a + b, 0) / w.logMel.length
        const head = { valence: Math.tanh(loud / 10), arousal: 0, polarity: [0.2, 0.3, 0.5] as [number, number, number] }
        return { fused: head, audio: head, lyrics: null, words: [] }
      })
    },
  }
}

function timeline() {
  return new LiveTimeline({ sampleRate: 16000, window: 6, hop: 0.5, maxDuration: 600, maxLyricLines: 100, maxSections: 100, keepUpPending: 4 })
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 2))
  expect(check()).toBe(true)
}

const tone = (seconds: number, amp: number) => Float32Array.from({ length: Math.round(seconds * 16000) }, (_, i) => amp * Math.sin(i / 5))

describe('LiveInference', () => {
  test('when the model falls behind, ingest still takes every block, newest windows go first, and all are done after stop', async () => {
    const t = timeline()
    const model = await slowModel(60)
    const inf = new LiveInference(t, model, { batchSize: 4 })
    const frames: Frame[][] = []
    inf.on('frames', (f) => frames.push(f))
    t.on('work', () => inf.wake())
    t.play(performance.now())
    const pcm = tone(20, 0.3)
    for (let i = 0; i < pcm.length; i += 1600) {
      t.addAudio({ channels: 1, sampleRate: 16000, time: i / 16000, samples: pcm.subarray(i, i + 1600) }, performance.now())
    }
    // 20 s arrived at once (a DAW bouncing faster than real time): a backlog, and status says so
    await new Promise((r) => setImmediate(r))
    expect(inf.pending).toBeGreaterThan(4)
    expect(t.scheduler.keepingUp(inf.pending)).toBe(false)
    t.stop(performance.now())
    await inf.settled()
    expect(inf.pending).toBe(0)
    const all = frames.flat().map((f) => f.t).sort((a, b) => a - b)
    expect(all).toEqual(Array.from({ length: 40 }, (_, k) => k * 0.5))
    // the newest windows come first: the first batch holds the latest complete window (centre 16.5 s:
    // the resampler still holds the last millisecond, so the window ending at 20 s waits for stop)
    expect(frames[0]!.map((f) => f.t)).toContain(16.5)
    expect(Math.min(...frames[0]!.map((f) => f.t))).toBeGreaterThanOrEqual(15)
    inf.close()
  })

  test('a window re-recorded while it is being analysed is recomputed with the new audio, the stale result dropped', async () => {
    const t = timeline()
    const model = await slowModel(80)
    const inf = new LiveInference(t, model, { batchSize: 64 })
    t.on('work', () => inf.wake())
    t.addAudio({ channels: 1, sampleRate: 16000, time: 0, samples: tone(10, 0.01) }, performance.now())
    t.stop(performance.now())
    await until(() => t.scheduler.running > 0) // the batch is running now
    t.seek(2, performance.now())
    t.addAudio({ channels: 1, sampleRate: 16000, time: 2, samples: tone(1, 0.9) }, performance.now())
    t.stop(performance.now())
    await inf.settled()
    expect(t.scheduler.coalesced).toBeGreaterThan(0)
    const f = t.frameList()
    expect(f.map((x) => x.t)).toEqual(Array.from({ length: 20 }, (_, k) => k * 0.5))
    // windows hearing the loud take read louder than those that cannot hear it
    const at = (s: number) => f.find((x) => x.t === s)!.valence
    expect(at(2.5)).toBeGreaterThan(at(9.5))
    expect(model.batches.length).toBeGreaterThanOrEqual(2)
    inf.close()
  })
})
