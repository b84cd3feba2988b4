import fc from 'fast-check'
import OSC from 'osc-js'
import { describe, expect, test } from 'vitest'
import { decodeOsc, encodeBundle, encodeOsc, OscDecodeError } from '../../../bridge/server/osc-codec.js'

const RUNS = process.env.EMOLANE_LONG ? 100_000 : 2_000

describe('decodeOsc', () => {
  test('reads what osc-js writes (numbers, strings, blobs)', () => {
    const msg = new OSC.Message('/emolane/lyrics/line', 1.5, 3.25, 'hello there')
    const [out] = decodeOsc(msg.pack())
    expect(out!.address).toBe('/emolane/lyrics/line')
    expect(out!.args).toEqual([
      { type: 'f', value: 1.5 },
      { type: 'f', value: 3.25 },
      { type: 's', value: 'hello there' },
    ])
  })

  test('osc-js reads what encodeOsc writes', () => {
    const bytes = encodeOsc('/emolane/section', [0, 16, 'Verse'])
    const msg = new OSC.Message('/placeholder')
    msg.unpack(new DataView(bytes.buffer))
    expect(msg.address).toBe('/emolane/section')
    expect(msg.args).toEqual([0, 16, 'Verse'])
  })

  test('round-trips every type, UTF-8 text and blobs', () => {
    const blob = Uint8Array.from([1, 2, 3, 4, 5])
    const bytes = encodeOsc('/x', [{ type: 'i', value: -7 }, 0.5, { type: 'd', value: Math.PI }, { type: 'h', value: 2n ** 40n }, 'Grüße, 心, 🎵', blob, true, false])
    const [m] = decodeOsc(bytes)
    expect(m!.args).toEqual([
      { type: 'i', value: -7 },
      { type: 'f', value: 0.5 },
      { type: 'd', value: Math.PI },
      { type: 'h', value: 2n ** 40n },
      { type: 's', value: 'Grüße, 心, 🎵' },
      { type: 'b', value: blob },
      { type: 'T', value: true },
      { type: 'F', value: false },
    ])
  })

  test('flattens bundles in order', () => {
    const bundle = encodeBundle([encodeOsc('/a', [1]), encodeBundle([encodeOsc('/b'), encodeOsc('/c', ['x'])])])
    expect(decodeOsc(bundle).map((m) => m.address)).toEqual(['/a', '/b', '/c'])
  })

  test('refuses invalid UTF-8 instead of replacing it', () => {
    const bytes = encodeOsc('/x', ['ab'])
    bytes[bytes.lastIndexOf(0x61)] = 0xff
    expect(() => decodeOsc(bytes)).toThrow(expect.objectContaining({ code: 'osc-invalid-utf8' }))
  })

  test.each([
    ['empty', new Uint8Array(0), /empty/],
    ['not a multiple of 4', new Uint8Array(5), /multiple of 4/],
    ['no address', encodeOsc('/x').map((b, i) => (i === 0 ? 0x78 : b)), /starting with "\/"/],
    ['unterminated address', new TextEncoder().encode('/abc'), /NUL/],
    ['unknown type tag', encodeOsc('/x', [1]).map((b) => (b === 0x66 ? 0x7a : b)), /unsupported OSC type tag/],
    ['missing argument bytes', encodeOsc('/x', [{ type: 'd', value: 1 }]).subarray(0, 12), /needs 8 bytes/],
  ])('refuses a packet that is %s', (_, bytes, message) => {
    expect(() => decodeOsc(bytes)).toThrow(message)
  })

  test('refuses a blob whose size runs past the packet, and a negative size', () => {
    const bytes = encodeOsc('/x', [new Uint8Array(16)])
    expect(() => decodeOsc(bytes.subarray(0, bytes.length - 8))).toThrow(/truncated/)
    const view = new DataView(bytes.buffer)
    view.setInt32(8, -4)
    expect(() => decodeOsc(bytes)).toThrow(/blob size must be >= 0/)
  })

  test('refuses bundles nested without end', () => {
    let b = encodeOsc('/x')
    for (let i = 0; i < 20; i++) b = encodeBundle([b])
    expect(() => decodeOsc(b)).toThrow(/nested deeper/)
  })

  test(`throws only OscDecodeError on ${RUNS} random and mutated packets`, () => {
    const valid = [encodeOsc('/emolane/audio', [{ type: 'i', value: 2 }, { type: 'i', value: 48000 }, 1.5, new Uint8Array(64)]), encodeBundle([encodeOsc('/emolane/lyrics/line', [1, 2, 'la la'])])]
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 256 }),
          fc.tuple(fc.constantFrom(...valid), fc.nat(), fc.nat(255), fc.nat()).map(([v, at, byte, cut]) => {
            const copy = v.slice()
            copy[at % copy.length] = byte
            return copy.subarray(0, copy.length - (cut % 3) * 4)
          }),
        ),
        (bytes) => {
          try {
            decodeOsc(bytes)
          } catch (err) {
            if (!(err instanceof OscDecodeError)) throw err
          }
        },
      ),
      { numRuns: RUNS },
    )
  })
})
