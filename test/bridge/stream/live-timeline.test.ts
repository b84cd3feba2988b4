import { describe, expect, test } from 'vitest'
import type { TempoPoint } from '../../../bridge/analysis/types.js'
import { IngestError } from '../../../bridge/server/ingest-error.js'
import { LiveTimeline } from '../../../bridge/stream/live-timeline.js'

function timeline(maxTempoChanges?: number): LiveTimeline {
  return new LiveTimeline({ sampleRate: 16000, window: 6, hop: 0.5, maxDuration: 600, maxLyricLines: 100, maxSections: 100, maxTempoChanges, keepUpPending: 4 })
}

/** A silent mono block of `seconds` at song time `time`. */
const block = (time: number, seconds: number) => ({ channels: 1, sampleRate: 16000, time, samples: new Float32Array(Math.round(seconds * 16000)) })

describe('the live timeline tempo map', () => {
  test('tempo messages at two song times become changes from the play head times they arrived at', () => {
    const t = timeline()
    const events: TempoPoint[][] = []
    t.on('tempo', (map) => events.push([...map]))
    t.setTempo(120)
    t.play(0)
    for (let s = 0; s < 10; s++) t.addAudio(block(s, 1), s)
    t.setTempo(90)
    expect(t.tempoMap).toEqual([
      { time: 0, bpm: 120 },
      { time: 10, bpm: 90 },
    ])
    expect(t.transport.tempo).toBe(90)
    expect(events).toHaveLength(2)
  })

  test('the same tempo again adds nothing; a new tempo at the same time replaces the old one', () => {
    const t = timeline()
    const changes: TempoPoint[] = []
    t.on('tempo', (_, change) => changes.push(change))
    t.setTempo(120)
    t.seek(10, 0)
    t.setTempo(90)
    t.setTempo(90) // a DAW repeating its tempo
    t.seek(20, 0)
    t.setTempo(90) // still 90 there: no new change
    expect(t.tempoMap).toEqual([
      { time: 0, bpm: 120 },
      { time: 10, bpm: 90 },
    ])
    expect(changes).toHaveLength(2)
    t.seek(10, 0)
    t.setTempo(100)
    expect(t.tempoMap).toEqual([
      { time: 0, bpm: 120 },
      { time: 10, bpm: 100 },
    ])
    // back to the tempo before it: the change at 10 s means nothing any more
    t.setTempo(120)
    expect(t.tempoMap).toEqual([{ time: 0, bpm: 120 }])
  })

  test('tempo changes past maxTempoChanges are refused with tempo-too-many; replacing one still works', () => {
    const t = timeline(3)
    for (const [time, bpm] of [[0, 100], [5, 110], [10, 120]] as const) {
      t.seek(time, 0)
      t.setTempo(bpm)
    }
    t.seek(15, 0)
    let err: unknown
    try {
      t.setTempo(130)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(IngestError)
    expect((err as IngestError).code).toBe('tempo-too-many')
    expect((err as IngestError).message).toMatch(/holds 3 tempo changes, the limit \(option maxTempoChanges\); refused 130 bpm at 15\.000 s/)
    expect(t.tempoMap).toHaveLength(3)
    expect(t.transport.tempo).toBe(120)
    t.seek(10, 0)
    t.setTempo(125)
    expect(t.tempoMap.at(-1)).toEqual({ time: 10, bpm: 125 })
  })

  test('a restored project keeps its tempo map; one saved before tempo maps loads with its tempo only', () => {
    const state = { frames: [], lyrics: [], sections: [], tempo: 90, audio: [] }
    const t = timeline()
    t.restore({ ...state, tempoMap: [{ time: 0, bpm: 120 }, { time: 10, bpm: 90 }] }, (a, b) => new Float32Array(b - a))
    expect(t.tempoMap).toEqual([{ time: 0, bpm: 120 }, { time: 10, bpm: 90 }])
    const old = timeline()
    old.restore(state, (a, b) => new Float32Array(b - a))
    expect(old.tempoMap).toEqual([])
    expect(old.transport.tempo).toBe(90)
    old.clear()
    expect(old.tempoMap).toEqual([])
  })
})
