/**
 * A strict OSC 1.0 codec (messages and bundles) for untrusted input. osc-js's own decoder accepts
 * truncated strings, decodes invalid UTF-8 to U+FFFD without a word and packs strings one UTF-16
 * unit per byte (so "café" goes out as invalid UTF-8); lyrics need both directions right, so the
 * bridge decodes and encodes here and tests interoperate with osc-js on the wire.
 */
import { excerpt } from './excerpt.js'


/** One typed OSC argument. `h` (int64) arrives as a bigint. */
export type OscArg =
  | { type: 'i'; value: number }
  | { type: 'f'; value: number }
  | { type: 'd'; value: number }
  | { type: 'h'; value: bigint }
  | { type: 's'; value: string }
  | { type: 'b'; value: Uint8Array }
  | { type: 'T' | 'F' | 'N' | 'I'; value: boolean | null }

/** A decoded OSC message. */
export type OscMessage = { address: string; args: OscArg[] }

/** Input that is not a well-formed OSC packet; `code` is the feed's error code. */
export class OscDecodeError extends Error {
  override name = 'OscDecodeError'
  constructor(
    message: string,
    readonly code: 'osc-malformed' | 'osc-invalid-utf8' = 'osc-malformed',
  ) {
    super(message)
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true })
const utf8Encoder = new TextEncoder()
/** Bundles nest; a hostile packet must not recurse without end. */
const MAX_BUNDLE_DEPTH = 8

/**
 * Bounds on one packet's work, checked while it is read, before anything is parsed in full: a
 * 60 KB datagram of 60,000 type tags is refused after reading MAX_OSC_ARGS + 1 of them.
 */
export const OSC_LIMITS = {
  /** Longest address, bytes (the /emolane addresses and DAW dialects' need a few dozen). */
  maxAddressBytes: 512,
  /** Most arguments in one message (the widest /emolane message has 4). */
  maxArgs: 256,
  /** Most messages in one packet, bundles flattened. */
  maxMessages: 1024,
  /** Longest string argument, bytes (a lyric line is at most 2,000 characters). */
  maxStringBytes: 64 * 1024,
}

const pad4 = (n: number): number => (n + 3) & ~3

function readString(view: DataView, offset: number, what: string, max: number): [value: string, next: number] {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
  // scan at most max + 1 bytes for the NUL: the work is bounded whatever the packet holds
  const stop = Math.min(bytes.length, offset + max + 1)
  let end = offset
  while (end < stop && bytes[end] !== 0) end++
  if (end >= bytes.length) throw new OscDecodeError(`${what} at byte ${offset} has no terminating NUL before the end of the packet (${bytes.length} bytes): truncated`)
  if (end - offset > max) throw new OscDecodeError(`${what} at byte ${offset} is longer than ${max} bytes (the limit)`)
  const next = pad4(end + 1)
  if (next > bytes.length) throw new OscDecodeError(`${what} at byte ${offset} lacks its padding to 4 bytes: truncated`)
  let value: string
  try {
    value = utf8.decode(bytes.subarray(offset, end))
  } catch (cause) {
    throw new OscDecodeError(`${what} at byte ${offset} is not valid UTF-8`, 'osc-invalid-utf8')
  }
  return [value, next]
}

function need(view: DataView, offset: number, n: number, what: string): void {
  if (offset + n > view.byteLength) {
    throw new OscDecodeError(`${what} at byte ${offset} needs ${n} bytes, the packet has ${view.byteLength - offset} left: truncated`)
  }
}

function decodeMessage(view: DataView): OscMessage {
  const [address, afterAddress] = readString(view, 0, 'address', OSC_LIMITS.maxAddressBytes)
  if (!address.startsWith('/')) throw new OscDecodeError(`expected an address starting with "/", got ${excerpt(address)}`)
  if (afterAddress >= view.byteLength) return { address, args: [] } // OSC 1.0: a missing type tag string means no arguments
  // the leading "," plus one tag per argument
  const [tags, start] = readString(view, afterAddress, `type tag string of ${excerpt(address)}`, OSC_LIMITS.maxArgs + 1)
  if (!tags.startsWith(',')) throw new OscDecodeError(`expected a type tag string starting with ",", got ${excerpt(tags, 32)}`)
  let offset = start
  const args: OscArg[] = []
  for (const tag of tags.slice(1)) {
    switch (tag) {
      case 'i':
        need(view, offset, 4, 'int32')
        args.push({ type: 'i', value: view.getInt32(offset) })
        offset += 4
        break
      case 'f':
        need(view, offset, 4, 'float32')
        args.push({ type: 'f', value: view.getFloat32(offset) })
        offset += 4
        break
      case 'd':
        need(view, offset, 8, 'float64')
        args.push({ type: 'd', value: view.getFloat64(offset) })
        offset += 8
        break
      case 'h':
        need(view, offset, 8, 'int64')
        args.push({ type: 'h', value: view.getBigInt64(offset) })
        offset += 8
        break
      case 't':
        need(view, offset, 8, 'timetag')
        args.push({ type: 'h', value: view.getBigUint64(offset) })
        offset += 8
        break
      case 's':
      case 'S': {
        const [value, next] = readString(view, offset, 'string argument', OSC_LIMITS.maxStringBytes)
        args.push({ type: 's', value })
        offset = next
        break
      }
      case 'b': {
        need(view, offset, 4, 'blob size')
        const size = view.getInt32(offset)
        if (size < 0) throw new OscDecodeError(`blob size must be >= 0, got ${size}`)
        need(view, offset + 4, pad4(size), `blob of ${size} bytes`)
        args.push({ type: 'b', value: new Uint8Array(view.buffer, view.byteOffset + offset + 4, size) })
        offset += 4 + pad4(size)
        break
      }
      case 'T':
        args.push({ type: 'T', value: true })
        break
      case 'F':
        args.push({ type: 'F', value: false })
        break
      case 'N':
        args.push({ type: 'N', value: null })
        break
      case 'I':
        args.push({ type: 'I', value: null })
        break
      default:
        throw new OscDecodeError(`unsupported OSC type tag ${JSON.stringify(tag)} in ${excerpt(tags, 32)}`)
    }
  }
  if (offset !== view.byteLength) {
    throw new OscDecodeError(`message ${excerpt(address)} has ${view.byteLength - offset} bytes after its last argument (type tags ${excerpt(tags, 32)})`)
  }
  return { address, args }
}

function decodeInto(view: DataView, out: OscMessage[], depth: number): void {
  if (view.byteLength === 0) throw new OscDecodeError('empty packet')
  if (view.byteLength % 4 !== 0) throw new OscDecodeError(`an OSC packet is a multiple of 4 bytes long, got ${view.byteLength}`)
  if (view.getUint8(0) !== 0x23 /* '#' */) {
    if (out.length >= OSC_LIMITS.maxMessages) throw new OscDecodeError(`a packet may hold at most ${OSC_LIMITS.maxMessages} messages (the limit)`)
    out.push(decodeMessage(view))
    return
  }
  const [head, afterHead] = readString(view, 0, 'bundle tag', 8)
  if (head !== '#bundle') throw new OscDecodeError(`expected "#bundle" or an address, got ${excerpt(head, 32)}`)
  if (depth >= MAX_BUNDLE_DEPTH) throw new OscDecodeError(`bundles nested deeper than ${MAX_BUNDLE_DEPTH}`)
  need(view, afterHead, 8, 'bundle timetag')
  let offset = afterHead + 8
  while (offset < view.byteLength) {
    need(view, offset, 4, 'bundle element size')
    const size = view.getInt32(offset)
    if (size <= 0 || size % 4 !== 0) throw new OscDecodeError(`bundle element size must be a positive multiple of 4, got ${size}`)
    need(view, offset + 4, size, `bundle element of ${size} bytes`)
    decodeInto(new DataView(view.buffer, view.byteOffset + offset + 4, size), out, depth + 1)
    offset += 4 + size
  }
}

/** Decodes one OSC packet (message or bundle, flattened in order); throws OscDecodeError. */
export function decodeOsc(data: Uint8Array): OscMessage[] {
  const out: OscMessage[] = []
  decodeInto(new DataView(data.buffer, data.byteOffset, data.byteLength), out, 0)
  return out
}

/** A value to encode: numbers are floats unless wrapped `{ type: 'i', value }`. */
export type OscValue = number | string | Uint8Array | boolean | OscArg

function toArg(v: OscValue): OscArg {
  if (typeof v === 'number') return { type: 'f', value: v }
  if (typeof v === 'string') return { type: 's', value: v }
  if (typeof v === 'boolean') return { type: v ? 'T' : 'F', value: v }
  if (v instanceof Uint8Array) return { type: 'b', value: v }
  return v
}

/** Encodes one OSC message; strings as UTF-8. */
export function encodeOsc(address: string, values: OscValue[] = []): Uint8Array {
  const args = values.map(toArg)
  const parts: Uint8Array[] = []
  let length = 0
  const pushString = (s: string): void => {
    const bytes = utf8Encoder.encode(s)
    if (bytes.includes(0)) throw new TypeError(`OSC strings cannot contain NUL, got ${JSON.stringify(s.slice(0, 40))}`)
    const buf = new Uint8Array(pad4(bytes.length + 1))
    buf.set(bytes)
    parts.push(buf)
    length += buf.length
  }
  const pushView = (n: number, write: (v: DataView) => void): void => {
    const buf = new Uint8Array(n)
    write(new DataView(buf.buffer))
    parts.push(buf)
    length += n
  }
  pushString(address)
  pushString(',' + args.map((a) => a.type).join(''))
  for (const a of args) {
    switch (a.type) {
      case 'i':
        pushView(4, (v) => v.setInt32(0, a.value))
        break
      case 'f':
        pushView(4, (v) => v.setFloat32(0, a.value))
        break
      case 'd':
        pushView(8, (v) => v.setFloat64(0, a.value))
        break
      case 'h':
        pushView(8, (v) => v.setBigInt64(0, a.value))
        break
      case 's':
        pushString(a.value)
        break
      case 'b': {
        const buf = new Uint8Array(4 + pad4(a.value.length))
        new DataView(buf.buffer).setInt32(0, a.value.length)
        buf.set(a.value, 4)
        parts.push(buf)
        length += buf.length
        break
      }
      default:
        break
    }
  }
  const out = new Uint8Array(length)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** Wraps encoded messages in one bundle with an "immediately" timetag. */
export function encodeBundle(messages: Uint8Array[]): Uint8Array {
  const size = 16 + messages.reduce((n, m) => n + 4 + m.length, 0)
  const out = new Uint8Array(size)
  out.set(utf8Encoder.encode('#bundle'), 0)
  const view = new DataView(out.buffer)
  view.setUint32(12, 1) // timetag 0x0000000000000001: immediately
  let at = 16
  for (const m of messages) {
    view.setInt32(at, m.length)
    out.set(m, at + 4)
    at += 4 + m.length
  }
  return out
}
