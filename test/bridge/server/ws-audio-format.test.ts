import fc from 'fast-check'
import { expect, test } from 'vitest'
import { IngestError } from '../../../bridge/server/ingest-error.js'
import { decodeWsAudio, encodeWsAudio, WS_AUDIO_HEADER_BYTES } from '../../../bridge/server/ws-audio-format.js'

const RUNS = process.env.EMOLANE_LONG ? 100_000 : 2_000

test('round-trips a stereo block: header fields and every sample', () => {
  const samples = Float32Array.from({ length: 2 * 480 }, (_, i) => Math.sin(i / 7))
  const bytes = encodeWsAudio({ channels: 2, sampleRate: 48000, time: 123.456789012, samples })
  expect(bytes.length).toBe(WS_AUDIO_HEADER_BYTES + samples.length * 4)
  expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('EMLA')
  const block = decodeWsAudio(bytes)
  expect(block.channels).toBe(2)
  expect(block.sampleRate).toBe(48000)
  expect(block.time).toBe(123.456789012) // float64: no precision lost
  expect(Array.from(block.samples)).toEqual(Array.from(samples))
})

test('says how many bytes a truncated frame lacks', () => {
  const bytes = encodeWsAudio({ channels: 1, sampleRate: 16000, time: 0, samples: new Float32Array(100) })
  expect(() => decodeWsAudio(bytes.subarray(0, bytes.length - 4))).toThrow(/1 channels x 100 frames = 400 bytes of float32, but carries 396 bytes/)
  expect(() => decodeWsAudio(bytes.subarray(0, 10))).toThrow(/24-byte header/)
})

test('refuses an unknown version', () => {
  const bytes = encodeWsAudio({ channels: 1, sampleRate: 16000, time: 0, samples: new Float32Array(4) })
  bytes[4] = 9
  expect(() => decodeWsAudio(bytes)).toThrow(/version must be 1, got 9/)
})

test(`throws only IngestError on ${RUNS} random frames behind a valid magic`, () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => {
      const bytes = new Uint8Array(4 + tail.length)
      bytes.set([0x45, 0x4d, 0x4c, 0x41])
      bytes.set(tail, 4)
      try {
        decodeWsAudio(bytes)
      } catch (err) {
        if (!(err instanceof IngestError)) throw err
      }
    }),
    { numRuns: RUNS },
  )
})
