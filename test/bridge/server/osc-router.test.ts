import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { IngestError } from '../../../bridge/server/ingest-error.js'
import { createIngestSink } from '../../../bridge/server/ingest-sink.js'
import { defaultIngestLimits } from '../../../bridge/server/ingest-validate.js'
import { decodeOsc, encodeOsc, type OscArg } from '../../../bridge/server/osc-codec.js'
import { oscAddresses, routeOsc } from '../../../bridge/server/osc-router.js'
import { LiveTimeline } from '../../../bridge/stream/live-timeline.js'

const RUNS = process.env.EMOLANE_LONG ? 100_000 : 3_000

function setup() {
  const timeline = new LiveTimeline({ sampleRate: 16000, window: 6, hop: 0.5, maxDuration: 600, maxLyricLines: 100, maxSections: 50, keepUpPending: 8 })
  const projects: string[] = []
  const sink = createIngestSink(() => timeline, defaultIngestLimits, { project: (n) => projects.push(n) })
  const route = (address: string, values: Parameters<typeof encodeOsc>[1]) => decodeOsc(encodeOsc(address, values)).forEach((m) => routeOsc(m, sink))
  return { timeline, projects, route }
}

const f32 = (values: number[]): Uint8Array => {
  const out = new Uint8Array(values.length * 4)
  values.forEach((v, i) => new DataView(out.buffer).setFloat32(i * 4, v, true))
  return out
}

describe('routeOsc', () => {
  test('puts audio, lyrics, sections, tempo and transport on the timeline', () => {
    const { timeline, projects, route } = setup()
    route('/emolane/tempo', [128])
    route('/emolane/section', [0, 8, 'Intro'])
    route('/emolane/lyrics/line', [1, 3, 'hello'])
    route('/emolane/transport/play', [2])
    route('/emolane/audio', [{ type: 'i', value: 2 }, { type: 'i', value: 32000 }, 2, f32(new Array(3200).fill(0.1))])
    route('/emolane/project', ['song-2'])
    expect(timeline.transport).toMatchObject({ playing: true, tempo: 128 })
    expect(timeline.spans).toEqual([{ start: 0, end: 8, name: 'Intro', source: 'daw' }])
    expect(timeline.lyrics).toEqual([{ start: 1, end: 3, text: 'hello' }])
    expect(timeline.audio.written.toArray()).toEqual([[32000, expect.any(Number)]])
    expect(projects).toEqual(['song-2'])
    route('/emolane/lyrics/clear', [])
    route('/emolane/sections/clear', [])
    route('/emolane/transport/stop', [])
    expect(timeline.lyrics).toEqual([])
    expect(timeline.spans).toEqual([])
    expect(timeline.transport.playing).toBe(false)
  })

  test('a lyric line at the same start replaces the older one (a DAW re-sending its lyric track)', () => {
    const { timeline, route } = setup()
    route('/emolane/lyrics/line', [1, 3, 'first draft'])
    route('/emolane/lyrics/line', [1, 3.5, 'second draft'])
    expect(timeline.lyrics.map((l) => l.text)).toEqual(['second draft'])
  })

  test('accepts numbers as int, float, double or int64', () => {
    const { timeline, route } = setup()
    route('/emolane/tempo', [{ type: 'h', value: 100n }])
    expect(timeline.transport.tempo).toBe(100)
    route('/emolane/transport/seek', [{ type: 'd', value: 12.25 }])
    expect(timeline.transport.time).toBe(12.25)
  })

  test.each([
    ['/emolane/tempo', [0], 'tempo-bad'],
    ['/emolane/tempo', [], 'osc-bad-args'],
    ['/emolane/transport/seek', [-1], 'seek-bad'],
    ['/emolane/section', [5, 2, 'Back'], 'section-bad'],
    ['/emolane/section', [0, 2, '   '], 'section-bad'],
    ['/emolane/lyrics/line', [0, 2, 'a\u0001b'], 'lyrics-bad-text'],
    ['/emolane/project', ['../etc'], 'project-bad'],
    ['/emolane/transport/stop', [1], 'osc-bad-args'],
  ])('%s %j is refused with %s', (address, values, code) => {
    const { route } = setup()
    expect(() => route(address, values as never)).toThrow(expect.objectContaining({ code }))
  })

  test(`refuses ${RUNS} random messages on the address space with IngestError only, and the timeline stays consistent`, () => {
    const { timeline } = setup()
    const sink = createIngestSink(() => timeline, { ...defaultIngestLimits, maxBlockSeconds: 1 }, { project: () => undefined })
    const arg: fc.Arbitrary<OscArg> = fc.oneof(
      fc.integer().map((value) => ({ type: 'i' as const, value })),
      fc.double().map((value) => ({ type: 'f' as const, value: Math.fround(value) })),
      fc.double().map((value) => ({ type: 'd' as const, value })),
      fc.string({ maxLength: 40 }).map((value) => ({ type: 's' as const, value })),
      fc.uint8Array({ maxLength: 64 }).map((value) => ({ type: 'b' as const, value })),
      fc.constant({ type: 'N' as const, value: null }),
    )
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(oscAddresses), '/emolane/nope'), fc.array(arg, { maxLength: 5 }), (address, args) => {
        try {
          routeOsc({ address, args }, sink)
        } catch (err) {
          if (!(err instanceof IngestError)) throw err
        }
      }),
      { numRuns: RUNS },
    )
    for (const l of timeline.lyrics) expect(l.end).toBeGreaterThan(l.start)
    expect(timeline.duration).toBeLessThanOrEqual(600)
  })
})
