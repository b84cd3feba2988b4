/**
 * OSC over UDP, fuzzed against a running bridge over a real socket: malformed, truncated,
 * oversize and wrongly typed datagrams. Every one the bridge must refuse is counted as an error
 * with a specific code and message, none is applied, the analysed timeline is untouched, and the
 * bridge still analyses new audio afterwards. The same packets also go through the decoder and
 * router in-process, where each refusal's message is checked word by word.
 */
import { createSocket } from 'node:dgram'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Analysis } from '../../bridge/analysis/types.js'
import type { Bridge } from '../../bridge/server/bridge.js'
import { IngestError } from '../../bridge/server/ingest-error.js'
import { decodeOsc, OscDecodeError } from '../../bridge/server/osc-codec.js'
import type { BridgeErrorInfo } from '../../bridge/server/protocol.js'
import { routeOsc } from '../../bridge/server/osc-router.js'
import { MAX_DATAGRAM, openTarget } from '../../bridge/stream/stream-target.js'
import { demoClip, FeedClient, until } from '../integration/live-helpers.js'
import { expectClearError, fuzzRuns, fuzzTimeoutMs } from './fuzz-support.js'
import { countsSince, draw, errorTotal, guardedBridge, hostileOsc, timelineOf, verdict } from './socket-fuzz.js'

const RUNS = fuzzRuns(3000)
const SEED = Number(process.env.EMOLANE_FUZZ_SEED ?? 6006)

describe('OSC over UDP under fuzzing', () => {
  let bridge: Bridge
  let baseline: Analysis
  let remove: () => Promise<void>
  let feed: FeedClient
  const errors: BridgeErrorInfo[] = []

  beforeAll(async () => {
    ;({ bridge, baseline, remove } = await guardedBridge())
    bridge.on('error', (e) => errors.push(e))
    feed = await FeedClient.connect(bridge.httpUrl!)
  }, 60_000)
  afterAll(async () => {
    feed?.close()
    await remove?.()
  })

  test(`every refusal of ${RUNS} hostile packets names what was expected (decoder and router in-process)`, () => {
    const sink = { audio() {}, lyricLine() {}, clearLyrics() {}, section() {}, clearSections() {}, play() {}, stop() {}, seek() {}, tempo() {}, project() {} }
    fc.assert(
      fc.property(hostileOsc, (bytes) => {
        let messages
        try {
          messages = decodeOsc(bytes)
        } catch (err) {
          expectClearError(err, [OscDecodeError], `decoding ${bytes.length} bytes`)
          return
        }
        for (const m of messages) {
          try {
            routeOsc(m, sink)
          } catch (err) {
            expectClearError(err, [IngestError], `routing ${m.address}`)
          }
        }
      }),
      { numRuns: RUNS, seed: SEED },
    )
  })

  test(
    `${RUNS} hostile datagrams: each refusal counted with a code, nothing applied, the timeline intact, the bridge still analysing`,
    async () => {
      const udp = createSocket('udp4')
      const send = (b: Uint8Array): Promise<void> => new Promise((resolve, reject) => udp.send(b, bridge.oscPort!, '127.0.0.1', (err) => (err ? reject(err) : resolve())))
      const before = errorTotal(bridge)
      const beforeCodes = new Map(bridge.errors.counts)
      let sent = 0
      let expected = 0
      const codes = new Map<string, number>()
      for (let batch = 0; sent < RUNS; batch++) {
        let inBatch = 0
        for (const bytes of draw(hostileOsc, 600, SEED + batch)) {
          if (sent >= RUNS) break
          if (bytes.length > MAX_DATAGRAM) continue
          const v = verdict(bytes)
          if (v.accepted > 0 || v.rejected.length === 0) continue // would change the song: not this test's business
          await send(bytes)
          sent++
          inBatch++
          expected += v.rejected.length
          for (const c of v.rejected) codes.set(c, (codes.get(c) ?? 0) + 1)
        }
        // pace by what the bridge has handled, so the kernel never drops a datagram
        if (inBatch > 0) await until(() => errorTotal(bridge) - before >= expected, 20_000, `the bridge to refuse ${expected} messages (has ${errorTotal(bridge) - before})`)
      }
      udp.close()
      expect(sent).toBe(RUNS)
      await new Promise((r) => setTimeout(r, 200))
      // exactly one counted refusal per refused message, under the predicted code: none lost, none applied
      expect(countsSince(bridge, beforeCodes)).toEqual(Object.fromEntries(codes))
      expect(errorTotal(bridge) - before).toBe(expected)
      expect(codes.size).toBeGreaterThanOrEqual(10) // the fuzz reached decoder, router and value checks alike
      // what reached the feed (throttled to 5 per code and source per second) is specific too
      expect(errors.length).toBeGreaterThan(0)
      for (const e of errors) {
        expect(e.source).toMatch(/^osc-udp 127\.0\.0\.1:\d+$/)
        expect(e.message.length).toBeGreaterThan(20)
      }
      expect(feed.of('error').length).toBeGreaterThan(0)
      // the analysed song is exactly as it was
      expect(timelineOf(bridge.analysis())).toEqual(timelineOf(baseline))
      // and the bridge still hears and analyses a new take
      const clip = await demoClip(3, 16000)
      const target = await openTarget(`udp://127.0.0.1:${bridge.oscPort}`)
      await target.send('/emolane/transport/seek', [40])
      for (let i = 0; i < clip.pcm.length; i += 1600) await target.audio({ channels: 1, sampleRate: 16000, time: 40 + i / 16000, samples: clip.pcm.slice(i, i + 1600) })
      await target.send('/emolane/transport/stop')
      await target.close()
      await until(() => bridge.analysis().frames.some((f) => f.t >= 40), 20_000, 'frames of the new take')
      expect(bridge.analysis().frames.filter((f) => f.t < 12.5)).toEqual(baseline.frames)
    },
    fuzzTimeoutMs(60_000),
  )
})
