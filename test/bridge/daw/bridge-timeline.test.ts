/**
 * DAW sessions and captured audio driving the real bridge over real UDP, wired as `emolane serve --daw X
 * --input DEVICE` wires them: transport, tempo (and the tempo map), sections and lyrics land in its timeline.
 */
import { sleep, waitFor } from '../../helpers/wait.js'
import { createSocket } from 'node:dgram'
import { afterEach, describe, expect, test } from 'vitest'
import { attachDialects } from '../../../bridge/daw/attach-dialects.js'
import { dawSink } from '../../../bridge/daw/serve-integration.js'
import { attachInput } from '../../../bridge/input/attach-input.js'
import { encodeBundle, encodeOsc } from '../../../bridge/server/osc-codec.js'
import type { Bridge } from '../../../bridge/server/bridge.js'
import { startBridge } from '../../integration/live-helpers.js'
import { FakeSource } from '../input/fake-source.js'
import { abletonReply, arg, bitwigRefresh, mossTime, reaperSession } from './daw-sessions.js'
import { DawStandIn } from './daw-stand-in.js'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** A bridge following one `--daw` spec, with a fake loopback device stamped by the DAW's clock. */
async function followDaw(spec: string) {
  const bridge: Bridge = await startBridge({ persist: false })
  cleanups.push(() => bridge.close())
  const sink = dawSink(bridge)
  const daw = await attachDialects(sink, [spec], { markerDebounceMs: 20, onError: (e) => bridge.errors.report(e.code, e.message, e.source) })
  cleanups.push(() => daw.close())
  const source = new FakeSource(48000, 2)
  const input = await attachInput(sink, 'fake', { clock: daw.clock, source, blockSeconds: 0.25 })
  cleanups.push(() => input.close())
  return { bridge, daw, source }
}

/** `callbacks` device callbacks of "master bus" (4096 frames, about 85 ms each), the DAW reporting its play head before each. */
async function playAudio(source: FakeSource, callbacks: number, report: () => Promise<void> = async () => {}): Promise<void> {
  for (let k = 0; k < callbacks; k++) {
    await sleep(85)
    await report()
    source.deliver(4096)
  }
}

/** The DAW's spans as the timeline holds them (analysed sections only list spans with frames). */
const spansOf = (bridge: Bridge) => bridge.spans.map((s) => [s.name, s.start, s.end, s.source])

describe('DAW dialects into the live bridge', () => {
  test('REAPER transport, tempo, regions, lyric markers and captured audio reach the timeline; a renamed region replaces its section', async () => {
    const { bridge, daw, source } = await followDaw('reaper:0')

    const sender = createSocket('udp4')
    cleanups.push(() => new Promise<void>((r) => sender.close(() => r())))
    const port = daw.listeners[0]!.port
    const send = (data: Uint8Array) => new Promise<void>((resolve, reject) => sender.send(data, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())))
    const dump = reaperSession().filter((e) => e.at === 0)
    await send(encodeBundle(dump.map((e) => encodeOsc(e.address, e.args))))
    await send(encodeOsc('/time', [30]))
    await send(encodeOsc('/play', [1]))

    await waitFor(() => bridge.analysis().lyrics.length === 3 && bridge.status().transport.playing)
    // About two seconds of "master bus", one device callback at a time, while REAPER plays from 30 s.
    await playAudio(source, 24)
    await waitFor(() => bridge.analysis().duration > 30)

    const status = bridge.status()
    expect(status.transport.tempo).toBe(96)
    expect(status.transport.playing).toBe(true)
    const a = bridge.analysis()
    expect(a.lyrics.map((l) => l.text)).toEqual(['Paper lanterns burning', 'Every window wide awake', 'Hold me while the city sleeps'])
    expect(a.duration).toBeGreaterThan(31)
    expect(a.duration).toBeLessThan(33.5)
    expect(bridge.errors.count('audio-overlap') + bridge.errors.count('audio-out-of-order')).toBe(0)

    await send(encodeOsc('/region/2/name', ['Chorus 1']))
    await send(encodeOsc('/play', [0]))
    await waitFor(() => !bridge.status().transport.playing)
    await waitFor(() => bridge.spans.some((s) => s.name === 'Chorus 1'))
    expect(spansOf(bridge)).toEqual([
      ['Verse 1', 0, 20, 'daw'],
      ['Chorus 1', 20, 40, 'daw'],
    ])
  })

  test('Ableton Live (AbletonOSC): tempo, play state, song time and cue points in beats reach the timeline; a tempo change mid-song enters the tempo map', async () => {
    // Live at 120 bpm, stopped at beat 40 (20 s): AbletonOSC answers emolane's queries from this state.
    const live = await DawStandIn.start({ tempo: 120, playing: false, position: 40 }, (bpm) => bpm / 60, abletonReply)
    cleanups.push(() => live.close())
    const { bridge, source } = await followDaw(`ableton:0@127.0.0.1:${live.port}`)
    await waitFor(() => bridge.spans.length === 3 && bridge.analysis().lyrics.length === 1 && bridge.status().transport.time === 20)
    expect(new Set(live.queries)).toEqual(new Set(['/live/song/start_listen/tempo', '/live/song/start_listen/is_playing', '/live/song/start_listen/current_song_time', '/live/song/get/cue_points']))
    expect(bridge.status().transport).toEqual({ playing: false, time: 20, tempo: 120 })
    expect(spansOf(bridge)).toEqual([
      ['Intro', 0, 8, 'daw'],
      ['Verse', 8, 24, 'daw'],
      ['Chorus', 24, 36, 'daw'], // the last cue point runs the mean section length
    ])
    expect(bridge.analysis().lyrics.map((l) => [l.text, l.start])).toEqual([['Paper lanterns burning', 9]])

    const seconds = () => (live.position() * 60) / live.snapshot().tempo
    const songTime = () => live.send({ address: '/live/song/get/current_song_time', args: [arg.f(live.position())] })
    live.setPlaying(true)
    await live.send({ address: '/live/song/get/is_playing', args: [arg.T] })
    await playAudio(source, 12, songTime)
    await waitFor(() => bridge.status().transport.time > 20.5)
    const head = bridge.status().transport.time // where the audio has reached; none arrives until the tempo is in
    expect(bridge.status().transport.playing).toBe(true)
    expect(Math.abs(head - seconds())).toBeLessThan(0.5)
    expect(bridge.analysis().tempoMap).toEqual([{ time: 0, bpm: 120 }])

    live.setTempo(90)
    await live.send({ address: '/live/song/get/tempo', args: [arg.f(90)] })
    await songTime()
    await waitFor(() => bridge.status().transport.tempo === 90 && bridge.spans[1]?.start !== 8)
    expect(bridge.analysis().tempoMap).toEqual([
      { time: 0, bpm: 120 },
      { time: head, bpm: 90 },
    ])
    // Live counts in beats and emolane converts with the tempo now in effect (docs/daw.md: a song with tempo
    // changes drifts), so the cue points move to beats x 60/90 and the play head with them.
    expect(bridge.spans.map((s) => [s.name, +s.start.toFixed(3), +s.end.toFixed(3)])).toEqual([
      ['Intro', 0, 10.667],
      ['Verse', 10.667, 32],
      ['Chorus', 32, 48],
    ])
    await playAudio(source, 6, songTime)
    expect(bridge.status().transport.playing).toBe(true)
    expect(Math.abs(bridge.status().transport.time - seconds())).toBeLessThan(0.5)

    live.setPlaying(false)
    await live.send({ address: '/live/song/get/is_playing', args: [arg.F] })
    await waitFor(() => !bridge.status().transport.playing)
    expect(bridge.status().transport.tempo).toBe(90)
    expect(bridge.analysis().lyrics.map((l) => [l.text, l.start])).toEqual([['Paper lanterns burning', 12]])
    expect(bridge.errors.count('audio-overlap') + bridge.errors.count('audio-out-of-order') + bridge.errors.count('daw-bad-args')).toBe(0)
  })

  test('Bitwig (DrivenByMoss): play state, tempo and position text reach the timeline, a tempo change mid-song enters the tempo map, and marker names without positions make nothing', async () => {
    // DrivenByMoss answers /refresh with everything it tracks: transport, tracks, master, marker names (no positions).
    const moss = await DawStandIn.start({ tempo: 100, playing: false, position: 0 }, () => 1, (q, state) => (q === '/refresh' ? bitwigRefresh(state) : []))
    cleanups.push(() => moss.close())
    const { bridge, daw, source } = await followDaw(`bitwig:0@127.0.0.1:${moss.port}`)
    await waitFor(() => bridge.status().transport.tempo === 100)
    expect(moss.queries).toEqual(['/refresh'])

    const position = () => moss.send({ address: '/time/str', args: [arg.s(mossTime(moss.position()))] })
    moss.locate(60) // the producer clicks to 1:00
    await position()
    await waitFor(() => bridge.status().transport.time === 60)
    moss.setPlaying(true)
    await moss.send({ address: '/play', args: [arg.i(1)] })
    await playAudio(source, 12, position)
    await waitFor(() => bridge.status().transport.time > 60.5)
    const head = bridge.status().transport.time
    expect(bridge.status().transport.playing).toBe(true)
    expect(Math.abs(head - moss.position())).toBeLessThan(0.5)

    moss.setTempo(104.5)
    await moss.send({ address: '/tempo/raw', args: [arg.f(104.5)] })
    await waitFor(() => bridge.status().transport.tempo === 104.5)
    expect(bridge.analysis().tempoMap).toEqual([
      { time: 0, bpm: 100 },
      { time: head, bpm: 104.5 },
    ])
    // Positions are in seconds: the play head goes on through the tempo change, no jump.
    await playAudio(source, 6, position)
    expect(bridge.status().transport.time).toBeGreaterThan(head)
    expect(Math.abs(bridge.status().transport.time - moss.position())).toBeLessThan(0.5)

    moss.setPlaying(false)
    await moss.send({ address: '/play', args: [arg.i(0)] })
    await waitFor(() => !bridge.status().transport.playing)
    const a = bridge.analysis()
    expect(a.tempo).toBe(104.5)
    expect(a.duration).toBeGreaterThan(61)
    expect(a.duration).toBeLessThan(62.5)
    // Nothing invented: the marker names (one a lyric) carry no positions, so no sections and no lyrics.
    expect(bridge.spans).toEqual([])
    expect(a.lyrics).toEqual([])
    expect(a.sections.filter((s) => s.source === 'daw')).toEqual([])
    expect(daw.listeners[0]!.stats.errors).toBe(0)
    expect(daw.listeners[0]!.stats.ignored).toBeGreaterThan(0) // /record, /beat/str, /marker/..., /track/..., /master/...
    expect(bridge.errors.count('audio-overlap') + bridge.errors.count('audio-out-of-order')).toBe(0)
  })
})
