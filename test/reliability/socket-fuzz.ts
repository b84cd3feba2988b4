/**
 * What the socket fuzz tests share: generators of hostile OSC packets and binary audio frames, a
 * dry run that says how the bridge's own decoder and checks will treat a packet (so only packets
 * that must be refused are sent, and the analysed timeline must come through untouched), and a
 * bridge with a short analysed song to guard.
 */
import fc from 'fast-check'
import type { Analysis } from '../../bridge/analysis/types.js'
import type { Bridge } from '../../bridge/server/bridge.js'
import { IngestError } from '../../bridge/server/ingest-error.js'
import { checkAudioBlock, checkLyricLine, checkProjectName, checkSection, checkSongTime, checkTempo, defaultIngestLimits, type IngestLimits } from '../../bridge/server/ingest-validate.js'
import { decodeOsc, encodeBundle, encodeOsc, OscDecodeError, type OscArg } from '../../bridge/server/osc-codec.js'
import { AUTH_ADDRESS, oscAddresses, routeOsc, type IngestSink } from '../../bridge/server/osc-router.js'
import type { BridgeOptions } from '../../bridge/server/options.js'
import { decodeWsAudio, encodeWsAudio, isWsAudioFrame, WS_AUDIO_HEADER_BYTES } from '../../bridge/server/ws-audio-format.js'
import { playInto } from '../../bridge/stream/file-player.js'
import { openTarget } from '../../bridge/stream/stream-target.js'
import { demoClip, startBridge, tempDataDir } from '../integration/live-helpers.js'
import { mutatedBytes } from './fuzz-support.js'

/** An IngestSink that runs every check the real one runs and applies nothing. */
function dryRunSink(limits: IngestLimits): IngestSink {
  return {
    audio: (b) => void checkAudioBlock(b, limits),
    lyricLine: (l) => void checkLyricLine(l, limits),
    clearLyrics: () => undefined,
    section: (s) => void checkSection(s, limits),
    clearSections: () => undefined,
    play: () => undefined,
    stop: () => undefined,
    seek: (t) => void checkSongTime(t, 'seek time', limits, 'seek-bad'),
    tempo: (bpm) => void checkTempo(bpm),
    project: (name) => void checkProjectName(name),
  }
}

/** How the bridge will treat a packet: messages it refuses (with their codes) and messages it would apply. */
export type Verdict = { rejected: string[]; accepted: number }

/** Dry-runs an OSC packet or binary audio frame through the bridge's decoder, router and checks. */
export function verdict(bytes: Uint8Array, limits: IngestLimits = defaultIngestLimits, wsAudio = false): Verdict {
  const sink = dryRunSink(limits)
  if (wsAudio && isWsAudioFrame(bytes)) {
    try {
      sink.audio(decodeWsAudio(bytes))
      return { rejected: [], accepted: 1 }
    } catch (err) {
      return { rejected: [(err as IngestError).code], accepted: 0 }
    }
  }
  let messages
  try {
    messages = decodeOsc(bytes)
  } catch (err) {
    if (!(err instanceof OscDecodeError)) throw err
    return { rejected: [err.code], accepted: 0 }
  }
  const out: Verdict = { rejected: [], accepted: 0 }
  for (const m of messages) {
    if (m.address === AUTH_ADDRESS) continue // ignored without a token
    try {
      routeOsc(m, sink)
      out.accepted++
    } catch (err) {
      if (!(err instanceof IngestError)) throw err
      out.rejected.push(err.code)
    }
  }
  return out
}

const f32 = (values: number[]): Uint8Array => {
  const out = new Uint8Array(values.length * 4)
  const view = new DataView(out.buffer)
  values.forEach((v, i) => view.setFloat32(i * 4, v, true))
  return out
}

const oddNumber = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, 0, 1e300, -0, 2 ** 31, 1201, 7999, 192001)
const oscArg: fc.Arbitrary<OscArg> = fc.oneof(
  fc.oneof(fc.integer(), fc.integer({ min: -2, max: 300 })).map((value) => ({ type: 'i' as const, value })),
  fc.oneof(fc.double(), oddNumber).map((value) => ({ type: 'f' as const, value: Math.fround(value) })),
  fc.oneof(fc.double(), oddNumber).map((value) => ({ type: 'd' as const, value })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value) => ({ type: 'h' as const, value })),
  fc
    .oneof(fc.string({ maxLength: 30 }), fc.constantFrom('', ' ', 'a\u0001b', '\u007f', '../etc', '.hidden', 'x'.repeat(2001), 'é'.repeat(300), '<script>alert(1)</script>'))
    .filter((s) => !s.includes('\u0000'))
    .map((value) => ({ type: 's' as const, value })),
  fc.oneof(fc.uint8Array({ maxLength: 96 }), fc.array(fc.oneof(fc.double({ min: -1, max: 1 }), oddNumber), { maxLength: 24 }).map(f32)).map((value) => ({ type: 'b' as const, value })),
  fc.constantFrom<OscArg>({ type: 'T', value: true }, { type: 'F', value: false }, { type: 'N', value: null }, { type: 'I', value: null }),
)
const address = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...Object.keys(oscAddresses)) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 24 }).filter((s) => !s.includes('\u0000')).map((s) => `/${s}`) },
  { weight: 1, arbitrary: fc.constantFrom('/emolane', '/emolane/audio/', '/EMOLANE/AUDIO', '/emolane/lyrics', '/', '//', '/emolane/transport/seek ') },
)
/** Well-formed OSC with the wrong arguments, values and addresses. */
const wellFormedBad = fc.tuple(address, fc.array(oscArg, { maxLength: 6 })).map(([a, args]) => encodeOsc(a, args))
/** /emolane/audio with hostile header values and blobs (NaN, Inf, odd sizes, too long, too many channels). */
const hostileAudio = fc
  .record({
    channels: fc.oneof(fc.integer({ min: -2, max: 40 }), fc.constant(2 ** 30)),
    rate: fc.oneof(fc.constantFrom(48000, 44100, 16000), fc.integer({ min: 0, max: 400_000 }), oddNumber),
    time: fc.oneof(fc.double({ min: -5, max: 1300 }), oddNumber),
    samples: fc.oneof(fc.array(fc.oneof(fc.double({ min: -1, max: 1 }), oddNumber), { maxLength: 64 }), fc.integer({ min: 0, max: 16_000 }).map((n) => new Array<number>(n).fill(0.01))),
    trim: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ channels, rate, time, samples, trim }) => {
    const blob = f32(samples)
    return encodeOsc('/emolane/audio', [{ type: 'i', value: channels | 0 }, Number.isInteger(rate) ? { type: 'i', value: rate | 0 } : rate, { type: 'd', value: time }, blob.subarray(0, blob.length - trim)])
  })
/** Valid packets of every kind: the raw material the mutators damage. */
export const validOscSeeds: Uint8Array[] = [
  encodeOsc('/emolane/audio', [{ type: 'i', value: 1 }, { type: 'i', value: 16000 }, 50, f32(new Array(64).fill(0.1))]),
  encodeOsc('/emolane/lyrics/line', [50, 52, 'la la land']),
  encodeOsc('/emolane/section', [50, 60, 'Bridge']),
  encodeOsc('/emolane/transport/seek', [50]),
  encodeOsc('/emolane/tempo', [120]),
  encodeOsc('/emolane/project', ['other']),
  encodeBundle([encodeOsc('/emolane/tempo', [90]), encodeOsc('/emolane/lyrics/line', [1, 2, 'x'])]),
  encodeBundle([encodeBundle([encodeOsc('/emolane/transport/stop')])]),
]

/** Malformed, truncated, oversize and wrongly typed OSC packets (only some of them refused: see verdict). */
export const hostileOsc: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 3, arbitrary: mutatedBytes(validOscSeeds) },
  { weight: 3, arbitrary: wellFormedBad },
  { weight: 2, arbitrary: hostileAudio },
  { weight: 1, arbitrary: fc.array(fc.oneof(wellFormedBad, hostileAudio), { minLength: 1, maxLength: 4 }).map(encodeBundle) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 128 }).map((n) => new Uint8Array(n * 4).fill(0x23)) }, // '#' everywhere: bundle-ish junk
)

/** Binary audio frames (EMLA) with hostile header fields and payloads. */
export const hostileWsAudio: fc.Arbitrary<Uint8Array> = fc.oneof(
  mutatedBytes([encodeWsAudio({ channels: 2, sampleRate: 48000, time: 50, samples: new Float32Array(96).fill(0.1) })]),
  fc
    .record({
      version: fc.oneof(fc.constant(1), fc.nat(255)),
      channels: fc.oneof(fc.constantFrom(1, 2), fc.nat(255)),
      rate: fc.oneof(fc.constantFrom(48000, 16000), fc.nat(), fc.constant(0xffffffff)),
      frames: fc.oneof(fc.nat(4096), fc.constant(0xffffffff)),
      time: fc.oneof(fc.double(), oddNumber),
      payload: fc.oneof(fc.uint8Array({ maxLength: 256 }), fc.array(fc.oneof(fc.double({ min: -1, max: 1 }), oddNumber), { maxLength: 64 }).map(f32)),
      matchFrames: fc.boolean(),
    })
    .map(({ version, channels, rate, frames, time, payload, matchFrames }) => {
      const out = new Uint8Array(WS_AUDIO_HEADER_BYTES + payload.length)
      const view = new DataView(out.buffer)
      out.set([0x45, 0x4d, 0x4c, 0x41])
      view.setUint8(4, version)
      view.setUint8(5, channels)
      view.setUint32(8, rate, true)
      view.setUint32(12, matchFrames && channels > 0 ? Math.floor(payload.length / 4 / channels) : frames, true)
      view.setFloat64(16, time, true)
      out.set(payload, WS_AUDIO_HEADER_BYTES)
      return out
    }),
)

/** Draws `n` values of `arb` reproducibly (seeded), for sending in batches over a socket. */
export function draw<T>(arb: fc.Arbitrary<T>, n: number, seed: number): T[] {
  return fc.sample(arb, { numRuns: n, seed })
}

/** A bridge on free ports holding 12 s of analysed demo song with lyrics and sections, limits opened wide for speed. */
export async function guardedBridge(options: BridgeOptions = {}): Promise<{ bridge: Bridge; baseline: Analysis; remove: () => Promise<void> }> {
  const data = tempDataDir()
  const bridge = await startBridge({ dataDir: data.dir, maxMessagesPerSecond: 1e7, maxBytesPerSecond: 1e10, errorsPerSecond: 5, ...options })
  const clip = await demoClip(12, 16000)
  const target = await openTarget(`udp://127.0.0.1:${bridge.oscPort}`)
  await playInto(target, clip, { speed: 32, blockMs: 100, channels: 1 })
  await target.close()
  await bridge.settle()
  const baseline = bridge.analysis()
  return {
    bridge,
    baseline,
    remove: async () => {
      await bridge.close()
      data.remove()
    },
  }
}

/** Total errors the bridge has counted (reported or held back by the per-second throttle). */
export function errorTotal(bridge: Bridge): number {
  let n = 0
  for (const v of bridge.errors.counts.values()) n += v
  return n
}

/** Errors counted per code since `before` (a copy of bridge.errors.counts), codes with none left out. */
export function countsSince(bridge: Bridge, before: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [code, n] of bridge.errors.counts) if (n - (before.get(code) ?? 0) > 0) out[code] = n - (before.get(code) ?? 0)
  return out
}

/** What must not change while only refused input arrives: frames, lyrics, sections, duration, tempo. */
export function timelineOf(a: Analysis): unknown {
  return { frames: a.frames, lyrics: a.lyrics, sections: a.sections.map((s) => [s.start, s.end, s.name]), duration: a.duration, tempo: a.tempo }
}
