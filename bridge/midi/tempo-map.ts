/** Tempo map of a MIDI file: ticks to seconds through every tempo change, and the time signatures. */
import type { Seconds } from '../analysis/types.js'
import { META, type MidiFile, type Ticks } from './smf-types.js'

/** A tempo change: from `tick` on, a quarter note lasts `usPerQuarter` microseconds. */
export type TempoChange = { tick: Ticks; usPerQuarter: number; bpm: number; time: Seconds }
/** A time signature change, e.g. 6/8 from `tick`. */
export type TimeSignature = { tick: Ticks; time: Seconds; numerator: number; denominator: number }

export type TempoMap = {
  tempos: TempoChange[]
  timeSignatures: TimeSignature[]
  /** Song time of a tick. */
  seconds(tick: Ticks): Seconds
}

/** MIDI's default tempo when a file sets none: 120 bpm. */
const DEFAULT_US_PER_QUARTER = 500_000

/** Builds the tempo map from tempo and time-signature meta events in all tracks. */
export function buildTempoMap(midi: MidiFile): TempoMap {
  const div = midi.division
  if (div.kind === 'smpte') {
    const perSecond = div.framesPerSecond * div.ticksPerFrame
    const seconds = (tick: Ticks) => tick / perSecond
    return { tempos: [], timeSignatures: signatures(midi, seconds), seconds }
  }
  const raw: { tick: Ticks; us: number }[] = []
  for (const track of midi.tracks) {
    for (const e of track) {
      if (e.kind === 'meta' && e.type === META.tempo && e.data.length >= 3) {
        const us = (e.data[0]! << 16) | (e.data[1]! << 8) | e.data[2]!
        if (us > 0) raw.push({ tick: e.tick, us })
      }
    }
  }
  raw.sort((a, b) => a.tick - b.tick)
  if (raw.length === 0 || raw[0]!.tick > 0) raw.unshift({ tick: 0, us: DEFAULT_US_PER_QUARTER })
  const tpq = div.ticksPerQuarter
  const tempos: TempoChange[] = []
  let time = 0
  for (let i = 0; i < raw.length; i++) {
    if (i > 0) time += ((raw[i]!.tick - raw[i - 1]!.tick) * raw[i - 1]!.us) / 1e6 / tpq
    const t = { tick: raw[i]!.tick, usPerQuarter: raw[i]!.us, bpm: 60e6 / raw[i]!.us, time }
    if (tempos.at(-1)?.tick === t.tick) tempos[tempos.length - 1] = t // last change at a tick wins
    else tempos.push(t)
  }
  const seconds = (tick: Ticks): Seconds => {
    let lo = 0
    let hi = tempos.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (tempos[mid]!.tick <= tick) lo = mid
      else hi = mid - 1
    }
    const seg = tempos[lo]!
    return seg.time + ((tick - seg.tick) * seg.usPerQuarter) / 1e6 / tpq
  }
  return { tempos, timeSignatures: signatures(midi, seconds), seconds }
}

function signatures(midi: MidiFile, seconds: (t: Ticks) => Seconds): TimeSignature[] {
  const out: TimeSignature[] = []
  for (const track of midi.tracks) {
    for (const e of track) {
      if (e.kind === 'meta' && e.type === META.timeSignature && e.data.length >= 2) {
        out.push({ tick: e.tick, time: seconds(e.tick), numerator: e.data[0]!, denominator: 2 ** e.data[1]! })
      }
    }
  }
  return out.sort((a, b) => a.tick - b.tick)
}
