import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { analyzePcm } from '../../bridge/analysis/analyze-audio.js'
import type { Analysis, Frame } from '../../bridge/analysis/types.js'
import { planWindows } from '../../bridge/analysis/windows.js'
import type { Bridge } from '../../bridge/server/bridge.js'
import { playInto } from '../../bridge/stream/file-player.js'
import { openTarget } from '../../bridge/stream/stream-target.js'
import { demoClip, FeedClient, sharedModel, startBridge, tempDataDir } from './live-helpers.js'
import { encoderContextSeconds } from '../../bridge/engine/log-mel.js'

const CLIP = 30
const RATE = 16000

/** Largest difference between two frame lists' fused readings (same length assumed). */
function worstDifference(a: Frame[], b: Frame[]): number {
  let worst = 0
  a.forEach((f, i) => {
    const o = b[i]!
    worst = Math.max(worst, Math.abs(f.t - o.t), Math.abs(f.valence - o.valence), Math.abs(f.arousal - o.arousal), ...f.polarity.map((p, j) => Math.abs(p - o.polarity[j]!)))
  })
  return worst
}

describe('the same clip over WebSocket (OSC packets + binary audio frames)', () => {
  let bridge: Bridge
  let feed: FeedClient
  let clip: Awaited<ReturnType<typeof demoClip>>
  let live: Analysis
  const data = tempDataDir()

  beforeAll(async () => {
    bridge = await startBridge({ dataDir: data.dir, oscPort: null })
    feed = await FeedClient.connect(bridge.httpUrl!)
    // 16 kHz mono: the resampler passes it through, so live and offline see identical samples
    clip = await demoClip(CLIP, RATE)
    const target = await openTarget(`${bridge.httpUrl!.replace('http', 'ws')}/ws-in`)
    await playInto(target, clip, { speed: 16, blockMs: 200, channels: 1 })
    await target.close()
    await bridge.settle()
    live = bridge.analysis()
  }, 60_000)

  afterAll(async () => {
    feed?.close()
    await bridge?.close()
    data.remove()
  })

  test('yields the frames an offline per-window analysis gives, at every hop', async () => {
    const offline = await analyzePcm({ pcm: clip.pcm, model: await sharedModel(), lyrics: clip.lyrics, spans: clip.sections, tempo: 135, audioPath: 'window' })
    expect(live.frames.map((f) => f.t)).toEqual(planWindows(CLIP, { window: 6, hop: live.hop }).map((p) => p.t))
    expect(worstDifference(live.frames, offline.frames)).toBeLessThan(1e-4)
    expect(live.sections.map((s) => [s.name, s.label])).toEqual(offline.sections.map((s) => [s.name, s.label]))
    expect(live.conflicts.map((c) => c.section)).toEqual(offline.conflicts.map((c) => c.section))
    expect(feed.of('error')).toEqual([])
  })

  test('the feed carries the conflicts the analysis found', () => {
    expect((feed.of('conflicts').at(-1)?.conflicts ?? []).map((c) => c.section)).toEqual(live.conflicts.map((c) => c.section))
  })

  test('a seek and a re-recorded passage re-analyse the frames over it and nothing else', async () => {
    const before = new Map(bridge.analysis().frames.map((f) => [f.t, f]))
    const invalidations = feed.of('invalidate').length
    // re-record 10 s .. 16 s with the sad Bridge of the song (40 s .. 46 s)
    const full = await demoClip(52, RATE)
    const take = full.pcm.slice(40 * RATE, 46 * RATE)
    const target = await openTarget(`${bridge.httpUrl!.replace('http', 'ws')}/ws-in`)
    await target.send('/emolane/transport/seek', [10])
    await target.send('/emolane/transport/play')
    for (let i = 0; i < take.length; i += RATE / 5) {
      await target.audio({ channels: 1, sampleRate: RATE, time: 10 + i / RATE, samples: take.slice(i, i + RATE / 5) })
    }
    await target.send('/emolane/transport/stop')
    await target.close()
    await bridge.settle()

    const inv = feed.of('invalidate').slice(invalidations)
    expect(inv.length).toBeGreaterThan(0)
    // windows are 6 s, the audio encoder hears `ctx` s past each edge (2 s for musicnn) and the front end 131
    // samples (8 ms) more: centres in [7 - ctx, 19 + ctx] hear the new take
    const ctx = encoderContextSeconds((await sharedModel()).manifest.audio)
    expect(Math.min(...inv.map((m) => m.start))).toBeCloseTo(7 - ctx, 6)
    expect(Math.max(...inv.map((m) => m.end))).toBeGreaterThan(18.5 + ctx)

    const edited = clip.pcm.slice()
    edited.set(take, 10 * RATE)
    const offline = await analyzePcm({ pcm: edited, model: await sharedModel(), lyrics: clip.lyrics, spans: clip.sections, tempo: 135, audioPath: 'window' })
    const after = bridge.analysis().frames
    expect(after.length).toBe(offline.frames.length)
    expect(worstDifference(after, offline.frames)).toBeLessThan(1e-4)
    // frames away from the take are the ones from before, untouched
    for (const f of after) if (f.t < 7 - ctx || f.t > 19 + ctx) expect(f).toEqual(before.get(f.t))
    expect(after.filter((f) => f.t >= 7 - ctx && f.t <= 19 + ctx).every((f) => f !== before.get(f.t))).toBe(true)
    const changed = after.filter((f) => f.t > 9 && f.t < 17).some((f) => Math.abs(f.audio.valence - before.get(f.t)!.audio.valence) > 1e-6)
    expect(changed).toBe(true)
  })
})
