/**
 * The /ws feed is one-way, but a client can still send anything. Fuzzed over a real socket: text
 * and binary messages of every shape are ignored (the client stays connected and keeps getting
 * updates); one over 64 KiB closes that client with 1009 and a 'message-too-large' error naming
 * it; other clients and the timeline are unaffected.
 */
import { createSocket } from 'node:dgram'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Analysis } from '../../bridge/analysis/types.js'
import type { Bridge } from '../../bridge/server/bridge.js'
import { FEED_MAX_PAYLOAD } from '../../bridge/server/feed-server.js'
import type { FeedMessage } from '../../bridge/server/protocol.js'
import { FeedClient, until } from '../integration/live-helpers.js'
import { fuzzRuns, fuzzTimeoutMs } from './fuzz-support.js'
import { draw, guardedBridge, timelineOf } from './socket-fuzz.js'

const RUNS = fuzzRuns(2000)
const BATCH = RUNS > 10_000 ? 2000 : 500
const SEED = Number(process.env.EMOLANE_FUZZ_SEED ?? 9009)

const feedLike = fc.constantFrom<FeedMessage['type']>('snapshot', 'frames', 'invalidate', 'status', 'error').map((type) => JSON.stringify({ type, frames: [{ t: -1 }], start: 0, end: 1e9 }))
const message = fc.oneof(
  { weight: 30, arbitrary: fc.oneof(fc.string({ maxLength: 300 }), feedLike, fc.constantFrom('', 'ping', '{"type":"seek","time":0}', '{"token":"x"}')) },
  { weight: 30, arbitrary: fc.uint8Array({ maxLength: 2048 }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: FEED_MAX_PAYLOAD }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: FEED_MAX_PAYLOAD + 1, max: FEED_MAX_PAYLOAD + 9000 }).map((n) => new Uint8Array(n)) },
)

describe('/ws feed clients that talk', () => {
  let bridge: Bridge
  let baseline: Analysis
  let remove: () => Promise<void>
  let quiet: FeedClient

  beforeAll(async () => {
    ;({ bridge, baseline, remove } = await guardedBridge())
    quiet = await FeedClient.connect(bridge.httpUrl!)
  }, 60_000)
  afterAll(async () => {
    quiet?.close()
    await remove?.()
  })

  test(
    `${RUNS} messages from a feed client: ignored, or over 64 KiB closed with 1009 and said; the feed keeps serving everyone`,
    async () => {
      /** A broadcast every client should see: one refused datagram, from a new source port each time (past the error throttle). */
      const broadcast = async (): Promise<void> => {
        const udp = createSocket('udp4')
        await new Promise<void>((r) => udp.send(new Uint8Array([0x2f, 0x70, 0x69, 0]), bridge.oscPort!, '127.0.0.1', () => r()))
        udp.close()
      }
      let talker = await FeedClient.connect(bridge.httpUrl!)
      let closes = 0
      let sent = 0
      const tooLargeBefore = bridge.errors.count('message-too-large')
      for (let batch = 0; sent < RUNS; batch++) {
        for (const m of draw(message, BATCH, SEED + batch)) {
          if (sent >= RUNS) break
          sent++
          const big = typeof m !== 'string' && m.length > FEED_MAX_PAYLOAD
          talker.ws.send(m)
          if (big) {
            const code = await new Promise<number>((r) => talker.ws.once('close', (c) => r(c)))
            expect(code).toBe(1009)
            closes++
            talker = await FeedClient.connect(bridge.httpUrl!)
            expect(talker.messages.length === 0 || talker.messages[0]!.type === 'snapshot').toBe(true)
          }
        }
        // the talker and the quiet client both still get live updates
        const seenTalker = talker.of('error').length
        const seenQuiet = quiet.of('error').length
        await broadcast()
        await until(() => talker.of('error').length > seenTalker && quiet.of('error').length > seenQuiet, 5000, 'both feed clients to get the broadcast')
      }
      talker.close()
      expect(closes).toBeGreaterThan(0)
      expect(bridge.errors.count('message-too-large') - tooLargeBefore).toBe(closes)
      expect(quiet.ws.readyState).toBe(quiet.ws.OPEN)
      expect(timelineOf(bridge.analysis())).toEqual(timelineOf(baseline))
    },
    fuzzTimeoutMs(120_000, 1_800_000),
  )
})
