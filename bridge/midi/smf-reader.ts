/**
 * A small Standard MIDI File reader: header, tracks, running status, meta and sysex events.
 * Accepts RIFF RMID wrappers. Truncated or malformed files raise a FileFormatError with the byte offset.
 */
import { FileFormatError } from '../lyrics/file-format-error.js'
import type { Division, MidiEvent, MidiFile } from './smf-types.js'

/** Parses the bytes of a .mid/.midi/.kar/.rmi file. */
export function readSmf(bytes: Uint8Array, file = '<input>'): MidiFile {
  const r = new Reader(unwrapRmid(bytes, file), file)
  const id = r.ascii(4)
  if (id !== 'MThd') r.fail(0, `expected a Standard MIDI File ("MThd" header), got ${JSON.stringify(id)}`)
  const headerLength = r.u32()
  if (headerLength < 6) r.fail(4, `MThd header length must be at least 6, got ${headerLength}`)
  const format = r.u16()
  const trackCount = r.u16()
  const divisionWord = r.u16()
  r.skip(headerLength - 6)
  if (format > 2) r.fail(8, `MIDI format must be 0, 1 or 2, got ${format}`)
  const division = parseDivision(divisionWord, r)
  const tracks: MidiEvent[][] = []
  while (tracks.length < trackCount && r.remaining() >= 8) {
    const at = r.pos
    const chunk = r.ascii(4)
    const length = r.u32()
    if (chunk !== 'MTrk') {
      r.skip(length) // unknown chunks are allowed by the spec
      continue
    }
    if (length > r.remaining()) r.fail(at, `track ${tracks.length + 1} claims ${length} bytes but only ${r.remaining()} remain (file truncated?)`)
    tracks.push(readTrack(r, r.pos + length, tracks.length + 1))
  }
  if (tracks.length < trackCount) r.fail(r.pos, `header announces ${trackCount} tracks, found ${tracks.length} (file truncated?)`)
  return { format: format as 0 | 1 | 2, division, tracks }
}

function parseDivision(word: number, r: Reader): Division {
  if (word & 0x8000) {
    const fps = -((word >> 8) << 24 >> 24)
    const ticksPerFrame = word & 0xff
    if (![24, 25, 29, 30].includes(fps) || ticksPerFrame === 0) r.fail(12, `SMPTE division must be 24/25/29/30 fps with ticks per frame > 0, got ${fps} fps, ${ticksPerFrame}`)
    return { kind: 'smpte', framesPerSecond: fps === 29 ? 29.97 : fps, ticksPerFrame }
  }
  if (word === 0) r.fail(12, 'ticks per quarter note must be positive, got 0')
  return { kind: 'metrical', ticksPerQuarter: word }
}

function readTrack(r: Reader, end: number, n: number): MidiEvent[] {
  const events: MidiEvent[] = []
  let tick = 0
  let running = 0
  r.track = n
  while (r.pos < end) {
    tick += r.varint(end)
    const at = r.pos
    let status = r.peek(end)
    if (status >= 0x80) r.pos++
    else if (running) status = running
    else r.fail(at, `expected a status byte, got data byte 0x${status.toString(16)} with no running status`)
    if (status === 0xff) {
      const type = r.u8(end)
      const length = r.varint(end)
      const data = r.bytes(length, end)
      events.push({ kind: 'meta', tick, type, data })
      if (type === 0x2f) break
    } else if (status === 0xf0 || status === 0xf7) {
      const length = r.varint(end)
      events.push({ kind: 'sysex', tick, data: r.bytes(length, end) })
      running = 0
    } else if (status >= 0xf0) {
      r.fail(at, `system message 0x${status.toString(16)} is not allowed in a MIDI file`)
    } else {
      running = status
      const data1 = r.u8(end)
      const hi = status & 0xf0
      const data2 = hi === 0xc0 || hi === 0xd0 ? 0 : r.u8(end)
      events.push({ kind: 'channel', tick, status, data1, data2 })
    }
  }
  r.pos = end
  r.track = undefined
  return events
}

/** RIFF 'RMID' files carry the SMF in a 'data' chunk. */
function unwrapRmid(bytes: Uint8Array, file: string): Uint8Array {
  const tag = (o: number) => String.fromCharCode(...bytes.subarray(o, o + 4))
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'RMID') return bytes
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let o = 12; o + 8 <= bytes.length; ) {
    const size = view.getUint32(o + 4, true)
    if (tag(o) === 'data') return bytes.subarray(o + 8, o + 8 + size)
    o += 8 + size + (size & 1)
  }
  throw new FileFormatError(file, { byte: 12 }, 'RIFF RMID file has no "data" chunk')
}

class Reader {
  pos = 0
  /** The 1-based track being read, named in failures; undefined outside tracks. */
  track: number | undefined
  private view: DataView
  constructor(
    private buf: Uint8Array,
    private file: string,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  }
  fail(at: number, detail: string): never {
    throw new FileFormatError(this.file, { byte: at }, this.track === undefined ? detail : `track ${this.track}: ${detail}`)
  }
  remaining(): number {
    return this.buf.length - this.pos
  }
  private need(n: number, end = this.buf.length): void {
    if (this.pos + n > end) this.fail(this.pos, `expected ${n} more byte${n === 1 ? '' : 's'}, the ${this.track === undefined ? 'file' : 'track'} ends at byte ${end} (truncated?)`)
  }
  ascii(n: number): string {
    this.need(n)
    const s = String.fromCharCode(...this.buf.subarray(this.pos, this.pos + n))
    this.pos += n
    return s
  }
  u32(): number {
    this.need(4)
    const v = this.view.getUint32(this.pos)
    this.pos += 4
    return v
  }
  u16(): number {
    this.need(2)
    const v = this.view.getUint16(this.pos)
    this.pos += 2
    return v
  }
  u8(end?: number): number {
    this.need(1, end)
    return this.buf[this.pos++]!
  }
  peek(end?: number): number {
    this.need(1, end)
    return this.buf[this.pos]!
  }
  skip(n: number): void {
    this.need(n)
    this.pos += n
  }
  bytes(n: number, end?: number): Uint8Array {
    this.need(n, end)
    const b = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return b
  }
  /** Variable-length quantity: at most 4 bytes, 7 bits each. */
  varint(end?: number): number {
    const at = this.pos
    let v = 0
    for (let k = 0; k < 4; k++) {
      const b = this.u8(end)
      v = (v << 7) | (b & 0x7f)
      if (!(b & 0x80)) return v
    }
    this.fail(at, 'variable-length number longer than 4 bytes')
  }
}
