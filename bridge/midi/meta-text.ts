/** Text-like meta events of a MIDI file (lyrics, text, markers, cue points) placed in song time. */
import type { Seconds } from '../analysis/types.js'
import { buildTempoMap } from './tempo-map.js'
import { META, type MidiFile, type Ticks } from './smf-types.js'

/** One text meta event with its time; `bytes` undecoded (MIDI text has no declared encoding). */
export type MetaText = { track: number; tick: Ticks; time: Seconds; type: number; bytes: Uint8Array }

/** Meta events of the given types, across tracks, in time order (stable within a track). */
export function metaTexts(midi: MidiFile, types: number[]): MetaText[] {
  const map = buildTempoMap(midi)
  const out: MetaText[] = []
  midi.tracks.forEach((track, t) => {
    for (const e of track) {
      if (e.kind === 'meta' && types.includes(e.type)) out.push({ track: t, tick: e.tick, time: map.seconds(e.tick), type: e.type, bytes: e.data })
    }
  })
  return out.sort((a, b) => a.tick - b.tick || a.track - b.track)
}

/** Song time of the last event in any track (where end-of-track markers sit). */
export function midiDuration(midi: MidiFile): Seconds {
  const map = buildTempoMap(midi)
  let last = 0
  for (const track of midi.tracks) last = Math.max(last, track.at(-1)?.tick ?? 0)
  return map.seconds(last)
}

export { META }
