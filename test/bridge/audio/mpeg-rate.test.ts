/** The MP3 frame header's rate, read before decoding so that a file below the wanted rate is upsampled by our band-limited resampler. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { mpegSampleRate } from '../../../bridge/audio/declared-rate.js'

/** An MPEG frame header: sync, version bits (3 MPEG-1, 2 MPEG-2, 0 MPEG-2.5), layer III, bitrate index 9, rate index. */
const frame = (version: number, rate: number) => Uint8Array.from([0xff, 0xe0 | (version << 3) | (1 << 1) | 1, (9 << 4) | (rate << 2), 0x44])

describe('mpegSampleRate', () => {
  test('reads the bundled 16 kHz MP3, past its ID3 tag if any', () => {
    expect(mpegSampleRate(readFileSync(join(import.meta.dirname, '../../../examples/demo-song.mp3')))).toBe(16000)
  })

  test('reads each MPEG version and rate, after an ID3v2 tag', () => {
    expect(mpegSampleRate(frame(3, 0))).toBe(44100)
    expect(mpegSampleRate(frame(3, 1))).toBe(48000)
    expect(mpegSampleRate(frame(2, 2))).toBe(16000)
    expect(mpegSampleRate(frame(0, 0))).toBe(11025)
    const id3 = Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 20, ...new Array(20).fill(0xff)])
    expect(mpegSampleRate(Uint8Array.from([...id3, ...frame(3, 1)]))).toBe(48000)
  })

  test('gives null for what is not MPEG audio: WAV, an ADTS AAC header, a reserved rate, junk', () => {
    expect(mpegSampleRate(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBeNull()
    expect(mpegSampleRate(Uint8Array.from([0xff, 0xf1, 0x50, 0x80]))).toBeNull() // AAC: layer bits 00
    expect(mpegSampleRate(frame(3, 3))).toBeNull()
    expect(mpegSampleRate(new Uint8Array(100))).toBeNull()
  })
})
