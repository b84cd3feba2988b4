/** Standard MIDI File reading: `readMidiFile(path)`, the tempo map and text meta events. */
import { readFile } from 'node:fs/promises'
import { readSmf } from './smf-reader.js'
import type { MidiFile } from './smf-types.js'

export { readSmf } from './smf-reader.js'
export { FileFormatError } from '../lyrics/file-format-error.js'
export { buildTempoMap, type TempoMap, type TempoChange, type TimeSignature } from './tempo-map.js'
export { metaTexts, midiDuration, type MetaText } from './meta-text.js'
export { META, type MidiFile, type MidiEvent, type MetaEvent, type Division, type Ticks } from './smf-types.js'

/** Reads and parses a MIDI file from disk. */
export async function readMidiFile(path: string): Promise<MidiFile> {
  return readSmf(new Uint8Array(await readFile(path)), path)
}
