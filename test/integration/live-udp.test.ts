import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { analyzePcm } from '../../bridge/analysis/analyze-audio.js'
import { planWindows } from '../../bridge/analysis/windows.js'
import type { Analysis } from '../../bridge/analysis/types.js'
import type { Bridge } from '../../bridge/server/bridge.js'
import { playInto } from '../../bridge/stream/file-player.js'
import { openTarget } from '../../bridge/stream/stream-target.js'
import { demoClip, FeedClient, sharedModel, startBridge, tempDataDir } from './live-helpers.js'

const CLIP = 30

describe('a 30 s clip with timed lyrics streamed over UDP OSC at 8x', () => {
  let bridge: Bridge
  let feed: FeedClient
  let live: Analysis
  let offline: Analysis
  const data = tempDataDir()

  beforeAll(async () => {
    bridge = await startBridge({ dataDir: data.dir })
    feed = await FeedClient.connect(bridge.httpUrl!)
    const clip = await demoClip(CLIP, 48000)
    const target = await openTarget(`udp://127.0.0.1:${bridge.oscPort}`)
    await playInto(target, clip, { speed: 8, blockMs: 50 })
    await target.close()
    await bridge.settle()
    live = bridge.analysis()
    const clip16 = await demoClip(CLIP, 16000)
    offline = await analyzePcm({ pcm: clip16.pcm, model: await sharedModel(), lyrics: clip16.lyrics, spans: clip16.sections, tempo: 135, audioPath: 'window' })
  }, 60_000)

  afterAll(async () => {
    feed?.close()
    await bridge?.close()
    data.remove()
  })

  test('yields a frame at every hop covering the whole clip', () => {
    const expected = planWindows(CLIP, { window: live.window, hop: live.hop }).map((p) => p.t)
    expect(live.frames.map((f) => f.t)).toEqual(expected)
    expect(live.duration).toBeCloseTo(CLIP, 2)
  })

  test('frames match an offline analysis of the same audio', () => {
    expect(live.frames.length).toBe(offline.frames.length)
    let worst = 0
    live.frames.forEach((f, i) => {
      const o = offline.frames[i]!
      worst = Math.max(worst, Math.abs(f.valence - o.valence), Math.abs(f.arousal - o.arousal), ...f.polarity.map((p, j) => Math.abs(p - o.polarity[j]!)))
      expect(f.lyrics === null).toBe(o.lyrics === null)
    })
    console.log('worst live/offline difference', worst)
    expect(worst).toBeLessThan(0.05)
  })

  test('gives sections with polarity, and conflicts as the offline analysis finds them', () => {
    expect(live.sections.map((s) => s.name)).toEqual(['Verse', 'Chorus'])
    for (const s of live.sections) {
      expect(s.polarity.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5)
      expect(['negative', 'neutral', 'positive']).toContain(s.label)
      expect(s.frames).toBeGreaterThan(10)
      expect(s.lyrics).not.toBeNull()
    }
    expect(live.conflicts.map((c) => c.section)).toEqual(offline.conflicts.map((c) => c.section))
  })

  test('streams frames, sections and lyrics on the /ws feed', async () => {
    expect(feed.messages[0]!.type).toBe('snapshot')
    const streamed = new Set(feed.of('frames').flatMap((m) => m.frames.map((f) => f.t)))
    expect(streamed.size).toBe(live.frames.length)
    expect(feed.lyrics()).toEqual(live.lyrics)
    await feed.waitFor((m) => m.type === 'sections' && m.sections.length === 2)
    expect(feed.of('error')).toEqual([])
  })

  test('reports its status: keeping up, nothing pending, a measured latency', () => {
    const s = bridge.status()
    console.log('status', JSON.stringify(s))
    expect(s.pending).toBe(0)
    expect(s.latencyMs).not.toBeNull()
    expect(s.transport.playing).toBe(false)
    expect(s.transport.tempo).toBe(135)
  })
})
