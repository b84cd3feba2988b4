/** Shapes of a parsed Standard MIDI File. Ticks are absolute within their track. */

/** MIDI ticks since the start of the track. */
export type Ticks = number

/** Metrical (ticks per quarter note) or SMPTE (frames per second times ticks per frame) timing. */
export type Division = { kind: 'metrical'; ticksPerQuarter: number } | { kind: 'smpte'; framesPerSecond: number; ticksPerFrame: number }

/** A meta event (FF type length data): text, lyric, marker, tempo, time signature, ... */
export type MetaEvent = { kind: 'meta'; tick: Ticks; type: number; data: Uint8Array }
/** A channel voice or mode message. */
export type ChannelEvent = { kind: 'channel'; tick: Ticks; status: number; data1: number; data2: number }
/** A system exclusive message (F0 or F7), data kept as read. */
export type SysexEvent = { kind: 'sysex'; tick: Ticks; data: Uint8Array }

export type MidiEvent = MetaEvent | ChannelEvent | SysexEvent

export type MidiFile = {
  /** 0: one track, 1: simultaneous tracks, 2: independent sequences */
  format: 0 | 1 | 2
  division: Division
  tracks: MidiEvent[][]
}

/** Meta event types the bridge reads. */
export const META = {
  text: 0x01,
  copyright: 0x02,
  trackName: 0x03,
  lyric: 0x05,
  marker: 0x06,
  cuePoint: 0x07,
  endOfTrack: 0x2f,
  tempo: 0x51,
  timeSignature: 0x58,
} as const
