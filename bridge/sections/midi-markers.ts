/** Sections from a MIDI file's marker (FF 06) and cue point (FF 07) events: each runs to the next. */
import { decodeText, detectEncoding } from '../lyrics/decode-text.js'
import { FileFormatError } from '../lyrics/file-format-error.js'
import { META, metaTexts, midiDuration } from '../midi/meta-text.js'
import { readSmf } from '../midi/smf-reader.js'
import type { RawSection } from './finish-sections.js'

/** Marker sections and the song's length (last event) from MIDI bytes. */
export function parseMidiMarkers(bytes: Uint8Array, file: string, encoding?: string): { sections: RawSection[]; duration: number } {
  const midi = readSmf(bytes, file)
  let events = metaTexts(midi, [META.marker])
  if (events.length === 0) events = metaTexts(midi, [META.cuePoint])
  if (events.length === 0) throw new FileFormatError(file, {}, 'this MIDI file has no marker (FF 06) or cue point (FF 07) events to read sections from')
  const all = new Uint8Array(events.reduce((n, e) => n + e.bytes.length, 0))
  events.reduce((o, e) => (all.set(e.bytes, o), o + e.bytes.length), 0)
  const enc = encoding ?? detectEncoding(all).encoding
  const sections = events.map((e) => ({ start: e.time, name: decodeText(e.bytes, { encoding: enc, file }).text.replace(/\0/g, '').trim(), at: { track: e.track + 1, tick: e.tick } }))
  return { sections, duration: midiDuration(midi) }
}
