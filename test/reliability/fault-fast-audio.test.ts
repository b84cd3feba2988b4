/**
 * Audio arriving faster than real time, for minutes of song time: a DAW bouncing at 30x into a
 * bridge whose model cannot keep up (a model made slow on purpose, so this holds on any machine),
 * then looping a section at 30x with a new take each time. Ingest never blocks (every datagram
 * lands: no hole in the audio), the status says inference is behind,
 * superseded windows are coalesced (computed once, from the newest take), memory stays bounded,
 * and the final timeline is whole and current.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Frame } from '../../bridge/analysis/types.js'
import type { Bridge } from '../../bridge/server/bridge.js'
import type { BridgeStatus } from '../../bridge/server/protocol.js'
import type { LiveTimeline } from '../../bridge/stream/live-timeline.js'
import { openTarget, type StreamTarget } from '../../bridge/stream/stream-target.js'
import { sharedModel, startBridge, until } from '../integration/live-helpers.js'
import { LONG } from './fuzz-support.js'
import { encoderContextSeconds } from '../../bridge/engine/log-mel.js'

const SPEED = 30
/** Song time bounced at 30x: 40 s (1.3 s of wall time) in npm test, 10 minutes under test:long. */
const SONG = LONG ? 600 : 40
/** Loops over the first LOOP seconds, each a new take (the last one silent): 2 minutes of looping under test:long. */
const LOOP = LONG ? 20 : 15
const LOOPS = LONG ? 180 : 3
const RATE = 48000
const BLOCK = 0.1

/** Stereo 48 kHz music-like audio (chords with a pulse) at song time t, or silence. */
function block(t: number, silent: boolean, seed: number): Float32Array {
  const n = Math.round(BLOCK * RATE)
  const out = new Float32Array(n * 2)
  if (silent) return out
  for (let i = 0; i < n; i++) {
    const s = t + i / RATE
    const f = [220, 262, 330, 392][Math.floor(s / 2 + seed) % 4]!
    const v = 0.2 * Math.sin(2 * Math.PI * f * s) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 2 * s)) + 0.1 * Math.sin(2 * Math.PI * 1.5 * f * s)
    out[2 * i] = v
    out[2 * i + 1] = 0.9 * v
  }
  return out
}

/** Sends [from, to) at SPEED, paced on the wall clock. */
async function bounce(target: StreamTarget, from: number, to: number, take: { silent: boolean; seed: number }): Promise<void> {
  const started = performance.now()
  for (let t = from; t < to - 1e-9; t += BLOCK) {
    await target.audio({ channels: 2, sampleRate: RATE, time: Math.round(t * 10) / 10, samples: block(t, take.silent, take.seed) })
    const wait = started + ((t + BLOCK - from) * 1000) / SPEED - performance.now()
    if (wait > 1) await new Promise((r) => setTimeout(r, wait))
  }
}

const live = (bridge: Bridge): LiveTimeline => (bridge as unknown as { timeline: LiveTimeline }).timeline

describe(`audio at ${SPEED}x for ${SONG} s of song time, then ${LOOPS} loops over ${LOOP} s, into a model that falls behind`, () => {
  let bridge: Bridge
  const statuses: BridgeStatus[] = []
  const emitted: { t: number; at: number }[] = []

  beforeAll(async () => {
    const real = await sharedModel()
    // ~16 windows per second at most (8 per batch): 30x audio needs 60
    const slow = Object.create(real) as typeof real
    const pause = () => new Promise((r) => setTimeout(r, 500))
    slow.run = async (windows) => (await pause(), real.run(windows))
    // the live path of a model with encoder context: cached states, then the fusion per batch
    slow.runStates = async (windows) => (await pause(), real.runStates(windows))
    bridge = await startBridge({ persist: false, statusThrottleMs: 100, idleFlushMs: 400, maxDuration: Math.max(1200, SONG + 10) }, { model: slow })
    bridge.on('status', (s) => statuses.push(s))
    bridge.on('frames', (frames) => frames.forEach((f) => emitted.push({ t: f.t, at: performance.now() })))
  })
  afterAll(() => bridge?.close())

  test(
    'ingest never blocks, the status says it is behind, the newest windows come first, memory stays bounded',
    async () => {
      const rssBefore = process.memoryUsage().rss
      const target = await openTarget(`udp://127.0.0.1:${bridge.oscPort}`)
      await target.send('/emolane/transport/play', [0])
      const sampler = setInterval(() => statuses.push(bridge.status()), 100)
      await bounce(target, 0, SONG, { silent: false, seed: 0 })
      clearInterval(sampler)
      // every datagram landed: the audio is one piece from 0 to the end (a stalled event loop would have dropped some)
      await until(() => live(bridge).audio.duration >= SONG - 0.05, 5000, 'the last block')
      expect(live(bridge).audio.written.toArray()).toEqual([[0, expect.any(Number)]])
      expect(live(bridge).audio.duration).toBeCloseTo(SONG, 1)
      // while audio poured in (the status as the feed and /api/status give it, sampled every 100 ms), it said inference was behind
      // on a loaded machine the sampler may barely run while the blocks pour in: then ask until the backlog shows
      if (!statuses.some((s) => s.transport.playing && !s.keepingUp)) {
        await until(() => {
          const s = bridge.status()
          statuses.push(s)
          return s.transport.playing && !s.keepingUp
        }, 10000, 'a status saying inference is behind')
      }
      const during = statuses.filter((s) => s.transport.playing)
      const behind = during.filter((s) => !s.keepingUp)
      expect(behind.length, `statuses while playing: ${during.map((s) => s.pending).join(' ')}`).toBeGreaterThan(0)
      expect(Math.max(...behind.map((s) => s.pending))).toBeGreaterThan(16)
      // newest first: the song's last windows were analysed as soon as they were due, and the backlog of
      // older ones after them (first in, first out would end on the song's last window)
      await bridge.settle()
      const last = emitted.findIndex((e) => e.t === Math.floor(live(bridge).audio.duration * 2 - 1e-9) / 2)
      expect(last).toBeGreaterThanOrEqual(0)
      expect(emitted.length - 1 - last).toBeGreaterThan(8)
      expect(emitted.at(-1)!.t).toBeLessThan(SONG - 6)
      // bounded: the audio store is the song's length at 16 kHz (4 s chunks), pending never beyond the song's windows
      const windows = SONG * 2 + 1
      expect(live(bridge).audio.bytes).toBeLessThanOrEqual(Math.ceil((SONG * 16000) / 65536) * 65536 * 4)
      expect(Math.max(...statuses.map((s) => s.pending))).toBeLessThanOrEqual(windows)
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(400 * 2 ** 20)
      await target.close()
    },
    LONG ? 300_000 : 60_000,
  )

  test(
    "looping a section at 30x with a new take each time: superseded windows are coalesced and the frames are the last take's",
    async () => {
      const target = await openTarget(`udp://127.0.0.1:${bridge.oscPort}`)
      const coalescedBefore = bridge.status().coalesced
      for (let k = 0; k < LOOPS; k++) await bounce(target, 0, LOOP, { silent: k === LOOPS - 1, seed: k + 1 }) // each loop jumps back to 0
      await target.send('/emolane/transport/stop')
      await target.close()
      await bridge.settle()
      const status = bridge.status()
      expect(status.coalesced).toBeGreaterThan(coalescedBefore) // windows re-recorded while they ran: their stale results dropped
      expect(status.pending).toBe(0)
      expect(status.keepingUp).toBe(true)
      const frames = bridge.analysis().frames
      // whole: one frame per hop whose centre has audio
      const hops = Math.floor(live(bridge).audio.duration * 2 - 1e-9) + 1
      expect(hops).toBeGreaterThanOrEqual(SONG * 2)
      expect(frames.map((f) => f.t)).toEqual(Array.from({ length: hops }, (_, i) => i / 2))
      // current: every window inside the loop hears the last (silent) take, so all read the same; none kept an older take's reading
      // (a window ending at LOOP reads 8 ms past it, into the bounce, and the audio encoder `ctx` s more)
      const ctx = encoderContextSeconds((await sharedModel()).manifest.audio)
      const inside = frames.filter((f) => f.start >= 0 && f.end + ctx < LOOP)
      expect(inside.length).toBe(LOOP * 2 - 12 - 2 * ctx)
      const ref: Frame = inside[0]!
      for (const f of inside) {
        expect(f.audio.valence, `frame ${f.t}`).toBeCloseTo(ref.audio.valence, 6)
        expect(f.audio.polarity[0], `frame ${f.t}`).toBeCloseTo(ref.audio.polarity[0], 6)
      }
      // and past the loop, the bounce's frames stand (music, not silence)
      const past = frames.filter((f) => f.start >= LOOP + 1)
      expect(past.some((f) => Math.abs(f.audio.valence - ref.audio.valence) > 1e-4)).toBe(true)
    },
    LONG ? 600_000 : 60_000,
  )
})
