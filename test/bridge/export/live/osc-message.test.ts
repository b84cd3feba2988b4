import OSC from 'osc-js'
import { expect, test } from 'vitest'
import { encodeOscMessage } from '../../../../bridge/export/live/osc-message.js'

function decode(bytes: Uint8Array): { address: string; types: string; args: unknown[] } {
  const p = new OSC.Packet()
  p.unpack(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  return p.value as unknown as { address: string; types: string; args: unknown[] }
}

test('messages decode with osc-js to the same address, types and values', () => {
  const bytes = encodeOscMessage('/live/device/set/parameter/value', [
    { type: 'i', value: 2 },
    { type: 'i', value: 0 },
    { type: 'i', value: 7 },
    { type: 'f', value: 0.25 },
    { type: 's', value: 'abc' },
  ])
  expect(bytes.length % 4).toBe(0)
  const m = decode(bytes)
  expect(m.address).toBe('/live/device/set/parameter/value')
  expect(m.types).toBe(',iiifs')
  expect(m.args).toEqual([2, 0, 7, 0.25, 'abc'])
})

test('an address of exactly four bytes still gets its NUL terminator word', () => {
  const bytes = encodeOscMessage('/abc', [])
  expect([...bytes.slice(0, 8)]).toEqual([47, 97, 98, 99, 0, 0, 0, 0])
  expect(decode(bytes).address).toBe('/abc')
})

test('bad addresses and values are refused, not sent', () => {
  expect(() => encodeOscMessage('track/1', [])).toThrow(/starts with "\/"/)
  expect(() => encodeOscMessage('/a b', [])).toThrow(/no spaces/)
  expect(() => encodeOscMessage('/x', [{ type: 'f', value: Number.NaN }])).toThrow(/float32 must be finite, got NaN/)
  expect(() => encodeOscMessage('/x', [{ type: 'i', value: 1.5 }])).toThrow(/int32 must be an integer/)
})
