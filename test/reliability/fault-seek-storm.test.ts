/**
 * A storm of seeks over OSC/UDP, as a DAW scrubbing the timeline sends them: thousands in under a
 * second, alone and interleaved with audio at each new position. With the default limits the
 * bridge takes a burst of a few thousand, refuses what exceeds the per-source rate with a counted
 * 'rate-limited' error, stays responsive, and ends with a consistent timeline: every window over
 * received audio analysed once, nothing pending, the frames before the storm untouched.
 */
import { createSocket } from 'node:dgram'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Analysis } from '../../bridge/analysis/types.js'
import type { Bridge } from '../../bridge/server/bridge.js'
import { bridgeDefaults } from '../../bridge/server/options.js'
import { encodeOsc } from '../../bridge/server/osc-codec.js'
import { audioMessage } from '../../bridge/stream/stream-target.js'
import { FeedClient, until } from '../integration/live-helpers.js'
import { LONG } from './fuzz-support.js'
import { errorTotal, guardedBridge } from './socket-fuzz.js'

describe('a storm of seeks', () => {
  let bridge: Bridge
  let baseline: Analysis
  let remove: () => Promise<void>
  let feed: FeedClient
  const udp = createSocket('udp4')
  const send = (b: Uint8Array): Promise<void> => new Promise((resolve, reject) => udp.send(b, bridge.oscPort!, '127.0.0.1', (e) => (e ? reject(e) : resolve())))

  beforeAll(async () => {
    // the default rate limits: what a user runs with
    ;({ bridge, baseline, remove } = await guardedBridge({ maxMessagesPerSecond: bridgeDefaults.maxMessagesPerSecond, maxBytesPerSecond: bridgeDefaults.maxBytesPerSecond }))
    feed = await FeedClient.connect(bridge.httpUrl!)
  }, 60_000)
  afterAll(async () => {
    udp.close()
    feed?.close()
    await remove?.()
  })

  test('3,000 seeks in under a second: all applied, nothing refused, the bridge answers during the storm, frames untouched', async () => {
    const before = errorTotal(bridge)
    const times = Array.from({ length: 3000 }, (_, i) => ((i * 7919) % 30000) / 1000)
    const answers: Promise<number>[] = []
    for (let i = 0; i < times.length; i++) {
      await send(encodeOsc('/emolane/transport/seek', [times[i]!]))
      if (i % 1000 === 500) answers.push(fetch(`${bridge.httpUrl}/health`).then((r) => r.status))
    }
    await until(() => bridge.status().transport.time === Math.fround(times.at(-1)!), 5000, 'the last seek')
    expect(await Promise.all(answers)).toEqual([200, 200, 200])
    expect(errorTotal(bridge) - before).toBe(0)
    await until(() => feed.of('transport').length >= 3000, 5000, 'every seek on the feed')
    await bridge.settle()
    expect(bridge.analysis().frames).toEqual(baseline.frames)
    expect(bridge.status().pending).toBe(0)
  })

  test('past the per-source rate, seeks are refused with a counted rate-limited error, and another source is not held up', async () => {
    await new Promise((r) => setTimeout(r, 1100)) // a fresh second of budget
    const before = bridge.errors.count('rate-limited')
    const n = LONG ? 40_000 : 8000
    const started = performance.now()
    for (let i = 0; i < n; i++) await send(encodeOsc('/emolane/transport/seek', [i % 30]))
    const seconds = (performance.now() - started) / 1000
    await until(() => bridge.errors.count('rate-limited') - before > 0, 5000, 'rate-limited errors')
    await new Promise((r) => setTimeout(r, 300))
    const limited = bridge.errors.count('rate-limited') - before
    // a token bucket: one second of budget at once, then the rate; all else is refused and counted
    const rate = bridgeDefaults.maxMessagesPerSecond
    expect(limited).toBeLessThanOrEqual(n - rate)
    // (plus up to a second for the datagrams still queued when sending ended)
    expect(limited).toBeGreaterThanOrEqual(n - rate - rate * (seconds + 1))
    // another DAW (another source port) is served at once
    const other = createSocket('udp4')
    await new Promise<void>((r) => other.send(encodeOsc('/emolane/transport/seek', [12.5]), bridge.oscPort!, '127.0.0.1', () => r()))
    await until(() => bridge.status().transport.time === 12.5, 2000, "the other source's seek")
    other.close()
  }, 60_000)

  test('2,000 seek-then-audio pairs at scattered positions: every block lands, and the timeline ends consistent', async () => {
    await new Promise((r) => setTimeout(r, 1100))
    const errors: string[] = []
    const off = bridge.on('error', (e) => errors.push(e.code))
    const pairs = 2000
    const at = (i: number): number => 20 + ((i * 2654435761) % 1000) / 100 // 20 .. 30 s, scattered
    for (let i = 0; i < pairs; i++) {
      const t = at(i)
      await send(encodeOsc('/emolane/transport/seek', [t]))
      await send(audioMessage({ channels: 1, sampleRate: 16000, time: t, samples: Float32Array.from({ length: 800 }, (_, k) => 0.2 * Math.sin((t * 16000 + k) / 5)) }))
      if (i % 200 === 199) await new Promise((r) => setTimeout(r, 120)) // ~2 s: under the default 4,000 messages per second
    }
    await send(encodeOsc('/emolane/transport/stop'))
    await new Promise((r) => setTimeout(r, 300))
    await bridge.settle()
    off()
    expect(errors).toEqual([])
    const frames = bridge.analysis().frames
    const ts = frames.map((f) => f.t)
    expect(new Set(ts).size).toBe(ts.length)
    expect([...ts].sort((a, b) => a - b)).toEqual(ts)
    // every window whose centre has audio got a frame (20 .. 30 s, plus the song before)
    for (let t = 20; t <= 30; t += 0.5) expect(ts, `frame at ${t}`).toContain(t)
    for (const f of frames) expect(Number.isFinite(f.valence) && Number.isFinite(f.arousal)).toBe(true)
    expect(bridge.status().pending).toBe(0)
    // the song before the storm (0 .. 12 s) is as it was: its windows end before 20 s
    expect(frames.filter((f) => f.t <= 12)).toEqual(baseline.frames)
  }, 60_000)
})
