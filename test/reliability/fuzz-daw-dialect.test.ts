/**
 * The DAW dialect ports (`--daw reaper,ableton,bitwig`), fuzzed against a running bridge over real
 * sockets: each dialect's own session traffic mutated (truncated, flipped, spliced, grown), its
 * addresses with wrongly typed arguments, and random bytes. No crash, every datagram read, every
 * refusal an error with a stable code and a message saying what was wrong, no unexpected fault, and
 * the bridge still follows the DAW afterwards.
 */
import { createSocket, type Socket } from 'node:dgram'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { attachDawServe, type DawServe } from '../../bridge/daw/serve-integration.js'
import type { Bridge } from '../../bridge/server/bridge.js'
import { encodeBundle, encodeOsc, type OscArg } from '../../bridge/server/osc-codec.js'
import type { BridgeErrorInfo } from '../../bridge/server/protocol.js'
import { MAX_DATAGRAM } from '../../bridge/stream/stream-target.js'
import { startBridge, until } from '../integration/live-helpers.js'
import { abletonSession, bitwigSession, reaperSession, type OscEvent } from '../bridge/daw/daw-sessions.js'
import { fuzzRuns, fuzzTimeoutMs, hostileBytes, SAYS_WHAT } from './fuzz-support.js'
import { countsSince, draw } from './socket-fuzz.js'

const RUNS = fuzzRuns(1500)
const SEED = Number(process.env.EMOLANE_FUZZ_SEED ?? 9001)
const DIALECTS = ['reaper', 'ableton', 'bitwig'] as const

/** Codes a refused DAW datagram may carry: decoding, the dialect's argument checks, the bridge's own checks. */
const EXPECTED_CODES = new Set(['osc-malformed', 'osc-invalid-utf8', 'daw-bad-args', 'rate-limited', 'message-too-large', 'section-bad', 'section-too-many', 'lyrics-bad-time', 'lyrics-bad-text', 'lyrics-too-long', 'lyrics-too-many', 'tempo-bad', 'seek-bad'])

const oddNumber = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, 0, -0, 1e300, 2 ** 31, 86_401)
const arg: fc.Arbitrary<OscArg> = fc.oneof(
  fc.integer().map((value) => ({ type: 'i' as const, value })),
  fc.oneof(fc.double(), oddNumber).map((value) => ({ type: 'f' as const, value: Math.fround(value) })),
  fc.oneof(fc.double(), oddNumber).map((value) => ({ type: 'd' as const, value })),
  fc
    .oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', 'lyric:', 'lyric: ' + 'x'.repeat(2100), '1.2.3', '-0:00:01:000', '<script>x</script>'))
    .filter((s) => !s.includes('\u0000'))
    .map((value) => ({ type: 's' as const, value })),
  fc.uint8Array({ maxLength: 32 }).map((value) => ({ type: 'b' as const, value })),
  fc.constantFrom<OscArg>({ type: 'T', value: true }, { type: 'F', value: false }, { type: 'N', value: null }),
)

/** Hostile datagrams shaped like one dialect's traffic. */
function hostileFor(session: OscEvent[]): fc.Arbitrary<Uint8Array> {
  const seeds = [...session.slice(0, 40), ...session.slice(-40)].map((e) => encodeOsc(e.address, e.args))
  seeds.push(encodeBundle(seeds.slice(0, 8)))
  const addresses = [...new Set(session.map((e) => e.address))]
  const wrongArgs = fc.tuple(fc.constantFrom(...addresses), fc.array(arg, { maxLength: 4 })).map(([a, args]) => encodeOsc(a, args))
  return fc.oneof(
    { weight: 3, arbitrary: hostileBytes(seeds) },
    { weight: 2, arbitrary: wrongArgs },
    { weight: 1, arbitrary: fc.array(wrongArgs, { minLength: 1, maxLength: 5 }).map(encodeBundle) },
  )
}

describe('DAW dialect ports under fuzzing', () => {
  let bridge: Bridge
  let daw: DawServe
  let sender: Socket
  let live: Socket
  const errors: BridgeErrorInfo[] = []

  beforeAll(async () => {
    bridge = await startBridge({ persist: false, maxMessagesPerSecond: 1e7, maxBytesPerSecond: 1e10 })
    bridge.on('error', (e) => errors.push(e))
    // stand-in for AbletonOSC / DrivenByMoss: takes the queries, answers nothing
    live = createSocket('udp4')
    await new Promise<void>((r) => live.bind(0, '127.0.0.1', () => r()))
    const q = live.address().port
    daw = await attachDawServe(bridge, { daw: `reaper:0,ableton:0@127.0.0.1:${q},bitwig:0@127.0.0.1:${q}`, log: null })
    sender = createSocket('udp4')
    await new Promise<void>((r) => sender.bind(0, '127.0.0.1', () => r()))
  }, 60_000)
  afterAll(async () => {
    sender?.close()
    live?.close()
    await daw?.close()
    await bridge?.close()
  })

  test(
    `${RUNS} hostile datagrams into the REAPER, AbletonOSC and Bitwig ports: no crash, each read, refusals with clear codes, still following`,
    async () => {
      const listeners = daw.dialects!.listeners
      const sessions = { reaper: reaperSession(), ableton: abletonSession(), bitwig: bitwigSession() }
      const before = new Map(bridge.errors.counts)
      const packetsBefore = listeners.map((l) => l.stats.packets)
      let sent = 0
      for (const [i, name] of DIALECTS.entries()) {
        const port = listeners[i]!.port
        const cases = draw(hostileFor(sessions[name]), Math.ceil(RUNS / DIALECTS.length), SEED + i)
        for (const bytes of cases) {
          if (bytes.length > MAX_DATAGRAM) continue
          await new Promise<void>((resolve, reject) => sender.send(bytes, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())))
          sent++
          // the dialect sockets read on this thread: let them, so the kernel's receive buffer never overflows
          if (sent % 25 === 0) await new Promise((r) => setImmediate(r))
        }
      }
      const read = () => listeners.reduce((n, l, i) => n + l.stats.packets - packetsBefore[i]!, 0)
      await until(() => read() === sent, 10_000, `all ${sent} datagrams read`)
      await bridge.settle()

      const counted = countsSince(bridge, before)
      const unexpected = Object.keys(counted).filter((c) => !EXPECTED_CODES.has(c))
      expect(unexpected, JSON.stringify(counted)).toEqual([])
      expect(Object.values(counted).reduce((a, b) => a + b, 0)).toBeGreaterThan(sent / 10) // the fuzz did hit the checks
      for (const e of errors) {
        expect(e.message, e.code).toMatch(SAYS_WHAT)
        expect(e.message.length).toBeGreaterThanOrEqual(12)
      }

      // still following, and still answering
      await new Promise<void>((r) => sender.send(encodeOsc('/tempo/raw', [123]), listeners[0]!.port, '127.0.0.1', () => r()))
      await until(() => bridge.status().transport.tempo === 123, 3000, 'REAPER followed after the fuzz')
      expect((await fetch(`${bridge.httpUrl}/health`)).status).toBe(200)
    },
    fuzzTimeoutMs(60_000),
  )
})
