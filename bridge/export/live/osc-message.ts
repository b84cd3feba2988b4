/** Encodes one OSC 1.0 message (int32, float32 and string arguments): all a DAW parameter write needs. */

/** A typed OSC argument. */
export type OscArgument = { type: 'i'; value: number } | { type: 'f'; value: number } | { type: 's'; value: string }

const encoder = new TextEncoder()

/** OSC string: UTF-8, NUL-terminated, padded with NULs to a multiple of 4 bytes. */
function oscString(s: string): Uint8Array {
  const bytes = encoder.encode(s)
  const out = new Uint8Array((bytes.length + 4) & ~3)
  out.set(bytes)
  return out
}

/** Encodes an OSC message; throws RangeError for a bad address or an argument OSC cannot carry. */
export function encodeOscMessage(address: string, args: OscArgument[]): Uint8Array {
  if (!address.startsWith('/') || /[\s#*,?[\]{}]/.test(address)) throw new RangeError(`an OSC address starts with "/" and has no spaces or pattern characters, got ${JSON.stringify(address)}`)
  const parts: Uint8Array[] = [oscString(address), oscString(',' + args.map((a) => a.type).join(''))]
  for (const a of args) {
    if (a.type === 's') {
      parts.push(oscString(a.value))
      continue
    }
    const word = new DataView(new ArrayBuffer(4))
    if (a.type === 'i') {
      if (!Number.isInteger(a.value) || a.value < -2147483648 || a.value > 2147483647) throw new RangeError(`an OSC int32 must be an integer in 32 bits, got ${a.value}`)
      word.setInt32(0, a.value)
    } else {
      if (!Number.isFinite(a.value)) throw new RangeError(`an OSC float32 must be finite, got ${a.value}`)
      word.setFloat32(0, a.value)
    }
    parts.push(new Uint8Array(word.buffer))
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}
