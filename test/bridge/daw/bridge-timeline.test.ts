/** A REAPER session and captured audio driving the real bridge: transport, tempo, sections, lyrics and audio land in its timeline. */
import { sleep, waitFor } from '../../helpers/wait.js'
import { createSocket } from 'node:dgram'
import { afterEach, describe, expect, test } from 'vitest'
import type { SectionSpan } from '../../../bridge/analysis/types.js'
import { attachDialects } from '../../../bridge/daw/attach-dialects.js'
import { dawSink } from '../../../bridge/daw/serve-integration.js'
import { attachInput } from '../../../bridge/input/attach-input.js'
import { encodeBundle, encodeOsc } from '../../../bridge/server/osc-codec.js'
import type { Bridge } from '../../../bridge/server/bridge.js'
import { startBridge } from '../../integration/live-helpers.js'
import { FakeSource } from '../input/fake-source.js'
import { reaperSession } from './daw-sessions.js'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

describe('DAW dialects into the live bridge', () => {
  test('REAPER transport, tempo, regions, lyric markers and captured audio reach the timeline; a renamed region replaces its section', async () => {
    const bridge: Bridge = await startBridge({ persist: false })
    cleanups.push(() => bridge.close())
    const sink = dawSink(bridge)
    const daw = await attachDialects(sink, ['reaper:0'], { markerDebounceMs: 20, onError: (e) => bridge.errors.report(e.code, e.message, e.source) })
    cleanups.push(() => daw.close())
    const source = new FakeSource(48000, 2)
    const input = await attachInput(sink, 'fake', { clock: daw.clock, source, blockSeconds: 0.25 })
    cleanups.push(() => input.close())

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
    for (let k = 0; k < 24; k++) {
      await sleep(85)
      source.deliver(4096)
    }
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
    // The DAW's spans as the timeline holds them (analysed sections only list spans with frames).
    const timeline = (bridge as unknown as { timeline: { spans: SectionSpan[] } }).timeline
    await waitFor(() => timeline.spans.some((s) => s.name === 'Chorus 1'))
    expect(timeline.spans.map((s) => [s.name, s.start, s.end, s.source])).toEqual([
      ['Verse 1', 0, 20, 'daw'],
      ['Chorus 1', 20, 40, 'daw'],
    ])
  })
})
