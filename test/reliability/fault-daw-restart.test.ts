/**
 * The DAW restarts (crashes, is relaunched) and sends song time from zero again, from a new
 * socket, with or without a play message first. The bridge treats the new audio as a re-recorded
 * take: no errors, the frames over the new audio are recomputed from it (and match a bridge that
 * only ever heard the new take), the frames past it are kept, and the timeline is whole.
 */
import { afterEach, describe, expect, test } from 'vitest'
import type { Frame } from '../../bridge/analysis/types.js'
import type { Bridge } from '../../bridge/server/bridge.js'
import type { BridgeErrorInfo } from '../../bridge/server/protocol.js'
import { playInto } from '../../bridge/stream/file-player.js'
import { openTarget, type StreamTarget } from '../../bridge/stream/stream-target.js'
import { demoClip, FeedClient, sharedModel, startBridge, until } from '../integration/live-helpers.js'
import { encoderContextSeconds } from '../../bridge/engine/log-mel.js'

const open: Bridge[] = []
afterEach(async () => {
  for (const b of open.splice(0)) await b.close()
})

/** 8 s of a new take: a chord that is not the demo song. */
function newTake(): Float32Array {
  return Float32Array.from({ length: 8 * 16000 }, (_, i) => 0.25 * Math.sin((2 * Math.PI * 330 * i) / 16000) + 0.15 * Math.sin((2 * Math.PI * 415 * i) / 16000))
}

/** Sends the take from time 0 in 0.1 s blocks (as a DAW that just restarted would). */
async function sendTake(target: StreamTarget, take: Float32Array): Promise<void> {
  for (let i = 0; i < take.length; i += 1600) {
    await target.audio({ channels: 1, sampleRate: 16000, time: i / 16000, samples: take.slice(i, i + 1600) })
    if ((i / 1600) % 10 === 9) await new Promise((r) => setTimeout(r, 5)) // ~20x real time
  }
}

/** Every hop from 0 to the last frame present once, in order. */
function expectWhole(frames: Frame[], last: number): void {
  expect(frames.map((f) => f.t)).toEqual(Array.from({ length: last * 2 + 1 }, (_, i) => i / 2))
}

describe('the DAW restarts and sends time from zero', () => {
  for (const variant of ['with a play message first', 'with audio alone, after a pause', 'with audio alone, at once (the old run still open)'] as const) {
    test(`${variant}: treated as re-recording, nothing refused, timeline whole`, async () => {
      const bridge = await startBridge({ persist: false, idleFlushMs: 500 })
      open.push(bridge)
      const errors: BridgeErrorInfo[] = []
      bridge.on('error', (e) => errors.push(e))
      const feed = await FeedClient.connect(bridge.httpUrl!)
      // the first session: 20 s of the song, then the DAW dies (no stop, socket gone)
      const song = await demoClip(20, 16000)
      const daw1 = await openTarget(`udp://127.0.0.1:${bridge.oscPort}`)
      const { lyrics, sections } = song
      await playInto(daw1, { ...song, lyrics, sections }, { speed: 32, blockMs: 100, channels: 1, until: 20 })
      await daw1.close()
      await bridge.settle()
      const before = bridge.analysis().frames
      expectWhole(before, 19.5)

      // the restarted DAW: a new socket (a new source port), time from 0
      const daw2 = await openTarget(`udp://127.0.0.1:${bridge.oscPort}`)
      if (variant === 'with a play message first') {
        await daw2.send('/emolane/transport/play', [0])
      } else if (variant === 'with audio alone, after a pause') {
        await new Promise((r) => setTimeout(r, 800)) // relaunching takes a moment
      }
      const take = newTake()
      await sendTake(daw2, take)
      await daw2.close() // and stops sending without a stop: the idle flush finishes the run
      await until(() => !bridge.status().transport.playing || bridge.analysis().frames.length >= 40, 5000, 'the take to land')
      await new Promise((r) => setTimeout(r, 700))
      await bridge.settle()

      expect(errors).toEqual([])
      // the panel was told the play head went back to 0 and which frames the new take replaced
      expect(feed.of('transport').some((m) => m.state.time === 0 && m.state.playing)).toBe(true)
      // (block by block, as the take lands): every frame whose window the take touches (centres 0 .. 10.5 s, and
      // `ctx` s more that the audio encoder hears past a window)
      const ctx = encoderContextSeconds((await sharedModel()).manifest.audio)
      const invalidated = feed.of('invalidate')
      for (let t = 0; t <= 10.5 + ctx; t += 0.5) expect(invalidated.some((m) => m.start <= t && t < m.end), `frame ${t} invalidated`).toBe(true)
      const after = bridge.analysis().frames
      expectWhole(after, 19.5)
      expect(bridge.analysis().duration).toBeCloseTo(20, 1)
      // past the take (windows starting after 8 s + ctx: the one starting at 8 reads 8 ms of the take), the first session's frames are kept as they were
      for (const f of after.filter((f) => f.start > 8 + ctx)) expect(f).toEqual(before.find((b) => b.t === f.t))
      // over the take, the frames are the take's: the same as a bridge that only heard it
      const fresh = await startBridge({ persist: false })
      open.push(fresh)
      for (const s of sections) fresh.section(s)
      for (const l of lyrics) fresh.lyricLine(l)
      fresh.play()
      for (let i = 0; i < take.length; i += 1600) fresh.audio({ channels: 1, sampleRate: 16000, time: i / 16000, samples: take.slice(i, i + 1600) })
      fresh.stop()
      await fresh.settle()
      const reference = new Map(fresh.analysis().frames.map((f) => [f.t, f]))
      // windows that end before 8 s (the one ending at 8 reads 8 ms past it: the old song here, silence in the fresh bridge)
      const inside = after.filter((f) => f.end + ctx < 8)
      expect(inside.length).toBe(10 - 2 * ctx) // t = 0 .. 4.5 - ctx
      for (const f of inside) {
        const r = reference.get(f.t)!
        expect(f.audio.valence).toBeCloseTo(r.audio.valence, 5)
        expect(f.valence).toBeCloseTo(r.valence, 5)
        expect(f.audio.valence).not.toBeCloseTo(before.find((b) => b.t === f.t)!.audio.valence, 5)
      }
      feed.close()
    }, 60_000)
  }
})
