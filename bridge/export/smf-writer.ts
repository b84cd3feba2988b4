/**
 * Standard MIDI File writer: format 1, a conductor track (tempo, 4/4, section markers) and one track per
 * lane holding its CC events (7-bit, or 14-bit MSB/LSB pairs). CC values are held until the next event,
 * so lanes are thinned with `thinHold` and quantised to the controller's resolution.
 */
import { withDefaults } from './with-defaults.js'
import type { Section } from '../analysis/types.js'
import { TempoMap } from './tempo-map.js'
import { thinHold, type HoldPoint } from './thinning.js'
import type { LaneCurve } from './types.js'

/** Options of the SMF writer. */
export type SmfOptions = {
  /** Ticks per quarter note, default 960 */
  ppq?: number
  /** Name of the conductor track (the mapping name) */
  title?: string
  /** Section markers to put on the conductor track */
  sections?: Pick<Section, 'start' | 'name'>[]
}
const defaults = { ppq: 960, title: 'emolane', sections: [] as Pick<Section, 'start' | 'name'>[] }

/** Levels of a lane's controller: 127 for 7-bit, 16383 for a 14-bit pair. */
export const levelsOf = (bits: 7 | 14): number => (bits === 14 ? 16383 : 127)

type TimedEvent = { tick: number; bytes: number[] }

function vlq(n: number): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0x0fffffff) throw new RangeError(`a MIDI delta time must be an integer in [0, 268435455], got ${n}`)
  const out = [n & 0x7f]
  n >>= 7
  while (n > 0) {
    out.unshift((n & 0x7f) | 0x80)
    n >>= 7
  }
  return out
}

function metaText(type: number, text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)]
  return [0xff, type, ...vlq(bytes.length), ...bytes]
}

function chunk(id: string, body: number[]): number[] {
  const len = body.length
  return [...id].map((c) => c.charCodeAt(0)).concat([(len >>> 24) & 0xff, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff], body)
}

function trackChunk(events: TimedEvent[]): number[] {
  const sorted = events.map((e, i) => ({ ...e, i })).sort((a, b) => a.tick - b.tick || a.i - b.i)
  const body: number[] = []
  let last = 0
  for (const e of sorted) {
    body.push(...vlq(e.tick - last), ...e.bytes)
    last = e.tick
  }
  body.push(...vlq(0), 0xff, 0x2f, 0x00)
  return chunk('MTrk', body)
}

/** The held CC events of one lane after thinning, in time order, with a value at tick 0. */
export function laneEvents(lane: LaneCurve): HoldPoint[] {
  const { bits } = lane.lane.target
  const points = thinHold(lane.frames, lane.lane.tolerance, levelsOf(bits))
  if (points.length > 0 && points[0]!.t > 0) points.unshift({ t: 0, level: points[0]!.level })
  return points
}

/**
 * The tempo map as the file can say it: each change on a whole tick and at a whole number of
 * microseconds per beat. Events are placed on this map, so a reader converting ticks back to
 * seconds with the file's own tempo events finds them where the lanes put them (within half a tick).
 */
export function fileTempoMap(tempo: TempoMap, ppq: number): { map: TempoMap; changes: { tick: number; usPerBeat: number }[] } {
  const changes: { tick: number; usPerBeat: number }[] = []
  for (const c of tempo.changes) {
    const change = { tick: Math.round(c.beat * ppq), usPerBeat: Math.round(60_000_000 / c.bpm) }
    // two changes within half a tick of each other land on one tick: the later holds from there
    if (changes.at(-1)?.tick === change.tick) changes[changes.length - 1] = change
    else changes.push(change)
  }
  return { map: new TempoMap(changes.map((c) => ({ beat: c.tick / ppq, bpm: 60_000_000 / c.usPerBeat }))), changes }
}

/** Writes lanes as a format-1 SMF on the tempo map (a tempo event per change); returns the file's bytes. */
export function writeSmf(lanes: LaneCurve[], tempoMap: TempoMap, options: SmfOptions = {}): Uint8Array {
  const opts = withDefaults(defaults, options)
  if (!Number.isInteger(opts.ppq) || opts.ppq < 24 || opts.ppq > 32767) throw new RangeError(`ppq must be an integer in [24, 32767], got ${opts.ppq}`)
  const { map: tempo, changes } = fileTempoMap(tempoMap, opts.ppq)
  const conductor: TimedEvent[] = [{ tick: 0, bytes: metaText(0x03, opts.title) }]
  for (const { tick, usPerBeat } of changes) {
    conductor.push({ tick, bytes: [0xff, 0x51, 0x03, (usPerBeat >> 16) & 0xff, (usPerBeat >> 8) & 0xff, usPerBeat & 0xff] })
  }
  conductor.push({ tick: 0, bytes: [0xff, 0x58, 0x04, 4, 2, 24, 8] })
  for (const s of opts.sections) conductor.push({ tick: tempo.secondsToTicks(s.start, opts.ppq), bytes: metaText(0x06, s.name) })

  const tracks = [trackChunk(conductor)]
  for (const lane of lanes) {
    const { cc, channel, bits } = lane.lane.target
    const status = 0xb0 | (channel - 1)
    const events: TimedEvent[] = [{ tick: 0, bytes: metaText(0x03, lane.lane.name) }]
    for (const p of laneEvents(lane)) {
      const tick = tempo.secondsToTicks(p.t, opts.ppq)
      if (bits === 14) events.push({ tick, bytes: [status, cc, p.level >> 7] }, { tick, bytes: [status, cc + 32, p.level & 0x7f] })
      else events.push({ tick, bytes: [status, cc, p.level] })
    }
    tracks.push(trackChunk(events))
  }
  const header = chunk('MThd', [0, 1, (tracks.length >> 8) & 0xff, tracks.length & 0xff, (opts.ppq >> 8) & 0xff, opts.ppq & 0xff])
  return Uint8Array.from(header.concat(...tracks))
}
