import { parseMidi, type MidiData, type MidiEvent } from 'midi-file'
import { describe, expect, test } from 'vitest'
import type { Analysis } from '../../../bridge/analysis/types.js'
import { exportAnalysis, type Mapping } from '../../../bridge/export/index.js'
import { makeAnalysis } from './analysis-fixture.js'
import { expectLaneMatches, shapedMapping, toleranceOf } from './shaped-mapping-fixture.js'

/** Reads a parsed SMF back into per-(channel, controller) step lanes in seconds, from its own tempo events. */
function readCcLanes(midi: MidiData): { bpm: number; names: string[]; cc: Map<string, { t: number; value: number }[]> } {
  const ppq = midi.header.ticksPerBeat!
  let usPerBeat = 500_000
  const tempos = midi.tracks[0]!.filter((e): e is Extract<MidiEvent, { type: 'setTempo' }> => e.type === 'setTempo')
  expect(tempos).toHaveLength(1)
  usPerBeat = tempos[0]!.microsecondsPerBeat
  const cc = new Map<string, { t: number; value: number }[]>()
  const names: string[] = []
  for (const track of midi.tracks.slice(1)) {
    let tick = 0
    for (const e of track) {
      tick += e.deltaTime
      if (e.type === 'trackName') names.push(e.text)
      if (e.type === 'controller') {
        const key = `${e.channel + 1}:${e.controllerType}`
        if (!cc.has(key)) cc.set(key, [])
        cc.get(key)!.push({ t: (tick / ppq) * (usPerBeat / 1e6), value: e.value })
      }
    }
  }
  return { bpm: 60e6 / usPerBeat, names, cc }
}

/** The value a CC reader holds at time t (half a tick of slack for the writer's rounding). */
function heldAt(events: { t: number; value: number }[], t: number, halfTick: number): number {
  let v = events[0]!.value
  for (const e of events) if (e.t <= t + halfTick) v = e.value
  return v
}

/** A lane's 14-bit values (MSB on cc, LSB on cc + 32 at the same tick) in seconds on one tempo; MSB and LSB must pair up. */
function readPairs(track: MidiEvent[], channel: number, cc: number, secondsPerTick: number): { t: number; value: number }[] {
  const pairs: { t: number; value: number }[] = []
  let tick = 0
  let msb: { tick: number; value: number } | null = null
  for (const e of track) {
    tick += e.deltaTime
    if (e.type !== 'controller' || e.channel !== channel - 1) continue
    if (e.controllerType === cc) {
      expect(msb, `CC${cc} MSB at tick ${tick} before the LSB of the last one`).toBeNull()
      msb = { tick, value: e.value }
    } else if (e.controllerType === cc + 32) {
      expect(msb?.tick, `CC${cc + 32} LSB at tick ${tick} without its MSB`).toBe(tick)
      pairs.push({ t: tick * secondsPerTick, value: (msb!.value << 7) | e.value })
      msb = null
    }
  }
  expect(msb).toBeNull()
  return pairs
}

const linear = (curve: string, cc: number, extra: object = {}) => ({ name: `${curve} lane`, curve, target: { cc, channel: 3 }, ...extra })
const valenceArousal: Mapping = { name: 'va', tolerance: 0.01, lanes: [linear('fused.valence', 20), linear('audio.arousal', 21)] } as Mapping

async function exportMid(a: Analysis, mapping: Mapping | string, fourteenBit = false): Promise<MidiData> {
  const r = await exportAnalysis(a, { to: 'mid', mapping, fourteenBit })
  expect(r.mime).toBe('audio/midi')
  expect(r.filename).toMatch(/\.mid$/)
  return parseMidi(r.bytes)
}

describe('SMF export', () => {
  test('CC lanes read back with an independent MIDI reader match the curve within tolerance at every frame', async () => {
    const a = makeAnalysis({ duration: 120, tempo: 96 })
    const midi = await exportMid(a, valenceArousal)
    expect(midi.header.format).toBe(1)
    const { bpm, names, cc } = readCcLanes(midi)
    expect(bpm).toBeCloseTo(96, 6)
    expect(names).toEqual(['fused.valence lane', 'audio.arousal lane'])
    const halfTick = 0.5 * (60 / 96 / midi.header.ticksPerBeat!)
    const val = cc.get('3:20')!
    const aro = cc.get('3:21')!
    expect(val.length).toBeLessThan(a.frames.length)
    for (const f of a.frames) {
      expect(Math.abs(heldAt(val, f.t, halfTick) / 127 - (f.valence + 1) / 2)).toBeLessThanOrEqual(0.01)
      expect(Math.abs(heldAt(aro, f.t, halfTick) / 127 - (f.audio.arousal + 1) / 2)).toBeLessThanOrEqual(0.01)
    }
    expect(val[0]!.t).toBe(0)
  })

  test('without a known tempo the file runs at 120 bpm, so seconds map onto beats at 2 per second', async () => {
    const a = makeAnalysis({ duration: 30, tempo: null })
    const midi = await exportMid(a, valenceArousal)
    const { bpm, cc } = readCcLanes(midi)
    expect(bpm).toBe(120)
    const halfTick = 0.5 * (0.5 / midi.header.ticksPerBeat!)
    for (const f of a.frames) expect(Math.abs(heldAt(cc.get('3:20')!, f.t, halfTick) / 127 - (f.valence + 1) / 2)).toBeLessThanOrEqual(0.01)
  })

  test('14-bit lanes write MSB then LSB at the same tick and read back finer than 7 bits allow', async () => {
    const a = makeAnalysis({ duration: 60 })
    const fine: Mapping = { name: 'fine', tolerance: 0.001, lanes: [linear('fused.arousal', 1)] } as Mapping
    const midi = await exportMid(a, fine, true)
    const track = midi.tracks[1]!
    const ccs = track.filter((e) => e.type === 'controller') as Extract<MidiEvent, { type: 'controller' }>[]
    expect(ccs.length % 2).toBe(0)
    const pairs: { t: number; value: number }[] = []
    let tick = 0
    const ticks = new Map<MidiEvent, number>()
    for (const e of track) ticks.set(e, (tick += e.deltaTime))
    for (let i = 0; i < ccs.length; i += 2) {
      expect(ccs[i]!.controllerType).toBe(1)
      expect(ccs[i + 1]!.controllerType).toBe(33)
      expect(ticks.get(ccs[i]!)).toBe(ticks.get(ccs[i + 1]!))
      pairs.push({ t: (ticks.get(ccs[i]!)! / midi.header.ticksPerBeat!) * (60 / 96), value: (ccs[i]!.value << 7) | ccs[i + 1]!.value })
    }
    const halfTick = 0.5 * (60 / 96 / midi.header.ticksPerBeat!)
    let worst = 0
    for (const f of a.frames) worst = Math.max(worst, Math.abs(heldAt(pairs, f.t, halfTick) / 16383 - (f.arousal + 1) / 2))
    expect(worst).toBeLessThanOrEqual(0.001)
  })

  test('a tolerance finer than 7-bit CC is refused with the fix in the message', async () => {
    const fine = { name: 'fine', tolerance: 0.002, lanes: [linear('fused.arousal', 74)] } as Mapping
    await expect(exportAnalysis(makeAnalysis(), { to: 'mid', mapping: fine })).rejects.toThrow(/tolerance 0.002 is finer than 7-bit CC can hold .*raise it to at least 0.0039.* or export 14-bit pairs/)
  })

  test('a tempo change at 10 s from 120 to 90 bpm: a tempo event per change at its tick, and CC read back on those events matches every frame', async () => {
    const a: Analysis = { ...makeAnalysis({ duration: 60, tempo: 90 }), tempoMap: [{ time: 0, bpm: 120 }, { time: 10, bpm: 90 }] }
    const midi = await exportMid(a, valenceArousal)
    const ppq = midi.header.ticksPerBeat!
    // the conductor track's tempo events, with their absolute ticks
    const tempos: { tick: number; usPerBeat: number }[] = []
    let tick = 0
    for (const e of midi.tracks[0]!) {
      tick += e.deltaTime
      if (e.type === 'setTempo') tempos.push({ tick, usPerBeat: e.microsecondsPerBeat })
    }
    // 10 s at 120 bpm = 20 beats
    expect(tempos).toEqual([
      { tick: 0, usPerBeat: 500_000 },
      { tick: 20 * ppq, usPerBeat: 666_667 },
    ])
    // ticks to seconds through the file's own tempo events, as a DAW reads it
    const seconds = (t: number): number => {
      let s = 0
      for (let i = 0; i < tempos.length; i++) {
        const from = tempos[i]!.tick
        const to = i + 1 < tempos.length ? Math.min(t, tempos[i + 1]!.tick) : t
        if (to > from) s += ((to - from) / ppq) * (tempos[i]!.usPerBeat / 1e6)
      }
      return s
    }
    const ticks: number[] = []
    tick = 0
    for (const e of midi.tracks[1]!) {
      tick += e.deltaTime
      if (e.type === 'controller' && e.controllerType === 20) ticks.push(tick, e.value)
    }
    const cc = [] as { t: number; value: number }[]
    for (let i = 0; i < ticks.length; i += 2) cc.push({ t: seconds(ticks[i]!), value: ticks[i + 1]! })
    expect(cc.some((e) => e.t > 10)).toBe(true)
    const halfTick = 0.5 * (60 / 90 / ppq)
    const worst = (events: { t: number; value: number }[]): number => Math.max(...a.frames.map((f) => Math.abs(heldAt(events, f.t, halfTick) / 127 - (f.valence + 1) / 2)))
    expect(worst(cc)).toBeLessThanOrEqual(0.01)
    // read on the first tempo alone (the old one-tempo file), the events after 10 s land a quarter too early
    const oneTempo = cc.map((e, i) => ({ ...e, t: (ticks[2 * i]! / ppq) * 0.5 }))
    expect(worst(oneTempo)).toBeGreaterThan(0.05)
  })

  test('section names become markers on the conductor track', async () => {
    const midi = await exportMid(makeAnalysis({ duration: 60 }), 'filter-arousal')
    const markers = midi.tracks[0]!.filter((e) => e.type === 'marker').map((e) => (e as { text: string }).text)
    expect(markers).toEqual(['Verse', 'Chorus', 'Bridge'])
  })

  test('a shaped mapping (inverted sub-range, exponential, smoothed S-curve, lyric polarity, conflict) reads back as 7-bit CC matching the mapped curve at every frame', async () => {
    const a = makeAnalysis({ duration: 150, tempo: 104 })
    const midi = await exportMid(a, shapedMapping)
    const { bpm, names, cc } = readCcLanes(midi)
    expect(bpm).toBeCloseTo(104, 4)
    expect(names).toEqual(shapedMapping.lanes.map((l) => l.name))
    const halfTick = 0.5 * (60 / bpm / midi.header.ticksPerBeat!)
    for (const spec of shapedMapping.lanes) {
      const events = cc.get(`4:${spec.target.cc}`)!
      expect(events[0]!.t).toBe(0)
      expect(events.length).toBeLessThan(a.frames.length)
      // thinHold keeps the held 7-bit level itself within the tolerance, so quantisation needs no extra slack
      expectLaneMatches(a, spec, (t) => heldAt(events, t, halfTick) / 127, toleranceOf(shapedMapping, spec))
    }
  })

  test('the shaped mapping as 14-bit pairs at a tolerance 7-bit CC cannot hold reads back matching the mapped curve at every frame', async () => {
    const a = makeAnalysis({ duration: 150, tempo: 104 })
    const fine = { ...shapedMapping, tolerance: 0.002, lanes: shapedMapping.lanes.map((l) => ({ ...l, tolerance: undefined })) } as Mapping
    const midi = await exportMid(a, fine, true)
    const { bpm } = readCcLanes(midi)
    const secondsPerTick = 60 / bpm / midi.header.ticksPerBeat!
    fine.lanes.forEach((spec, i) => {
      const pairs = readPairs(midi.tracks[i + 1]!, 4, spec.target.cc, secondsPerTick)
      expect(pairs[0]!.t).toBe(0)
      expectLaneMatches(a, spec, (t) => heldAt(pairs, t, secondsPerTick / 2) / 16383, 0.002)
    })
  })
})
