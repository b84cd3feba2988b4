/** A DAW that stops and plays on from where it stopped, stamping blocks with float32 song times (as OSC floats are). */
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Bridge } from '../../bridge/server/bridge.js'
import type { LiveTimeline } from '../../bridge/stream/live-timeline.js'
import { startBridge, until } from '../integration/live-helpers.js'

let bridge: Bridge
beforeAll(async () => {
  // no idle flush during the test: windows must become due from the audio alone, as while playing
  bridge = await startBridge({ persist: false, idleFlushMs: 600_000 })
})
afterAll(() => bridge?.close())

const block = (t: number) => ({ channels: 2, sampleRate: 48000, time: Math.fround(t), samples: Float32Array.from({ length: 9600 }, (_, i) => 0.2 * Math.sin((t * 48000 + (i >> 1)) / 7)) })

test('bug: playing on from where the DAW stopped left a one-sample hole (float32 time off the grid), so the windows over it waited for the next stop; they are analysed while playing', async () => {
  bridge.play()
  for (let i = 0; i < 58; i++) bridge.audio(block(i / 10)) // 0 .. 5.8 s
  bridge.stop()
  bridge.play() // play on: a new pass from 5.8 s
  for (let i = 58; i < 150; i++) bridge.audio(block(i / 10)) // 5.8 .. 15 s, still playing
  const timeline = (bridge as unknown as { timeline: LiveTimeline }).timeline
  // one piece (the open run holds back a few samples of filter tail)
  expect(timeline.audio.written.toArray()).toEqual([[0, expect.any(Number)]])
  expect(timeline.audio.duration).toBeGreaterThan(14.99)
  // the window centred at 5.5 s spans the join (2.5 .. 8.5 s): it is complete, so it is analysed now
  await until(() => bridge.analysis().frames.some((f) => f.t === 5.5 || f.t === 6), 10_000, 'frames over the join while playing')
  expect(bridge.status().transport.playing).toBe(true)
})
