/**
 * The binary WebSocket audio frame: a 24-byte little-endian header, then float32 PCM.
 *
 *   offset size  field
 *   0      4     magic "EMLA" (0x45 0x4D 0x4C 0x41)
 *   4      1     version, 1
 *   5      1     channels, 1..255
 *   6      2     reserved, 0
 *   8      4     sample rate, Hz (uint32)
 *   12     4     frames per channel (uint32)
 *   16     8     song time of the first sample, seconds (float64)
 *   24     4*channels*frames   samples, float32 little-endian, interleaved
 *
 * Blocks of up to maxBlockSeconds (10 s by default) fit; the frame count makes truncation visible.
 */
import type { AudioBlock } from './protocol.js'
import { IngestError } from './ingest-error.js'
import { blobToFloat32 } from './osc-router.js'

/** Header bytes before the samples. */
export const WS_AUDIO_HEADER_BYTES = 24
/** "EMLA" as it appears first in the frame. */
export const WS_AUDIO_MAGIC = [0x45, 0x4d, 0x4c, 0x41] as const
/** The only version so far. */
export const WS_AUDIO_VERSION = 1

/** True when a binary message starts with the audio frame's magic. */
export function isWsAudioFrame(data: Uint8Array): boolean {
  return data.length >= 4 && WS_AUDIO_MAGIC.every((b, i) => data[i] === b)
}

/** Encodes a block as one binary WebSocket message. */
export function encodeWsAudio(block: AudioBlock): Uint8Array {
  const { channels, sampleRate, time, samples } = block
  if (!Number.isInteger(channels) || channels < 1 || channels > 255) throw new RangeError(`channels must be an integer in [1, 255], got ${channels}`)
  if (samples.length % channels !== 0) throw new RangeError(`samples (${samples.length}) must be a whole number of ${channels}-channel frames`)
  const out = new Uint8Array(WS_AUDIO_HEADER_BYTES + samples.length * 4)
  const view = new DataView(out.buffer)
  out.set(WS_AUDIO_MAGIC, 0)
  view.setUint8(4, WS_AUDIO_VERSION)
  view.setUint8(5, channels)
  view.setUint32(8, Math.round(sampleRate), true)
  view.setUint32(12, samples.length / channels, true)
  view.setFloat64(16, time, true)
  for (let i = 0; i < samples.length; i++) view.setFloat32(WS_AUDIO_HEADER_BYTES + i * 4, samples[i]!, true)
  return out
}

/** Decodes a binary audio frame; throws IngestError ('ws-audio-malformed', 'audio-bad-size') when it does not fit the format. */
export function decodeWsAudio(data: Uint8Array): AudioBlock {
  if (data.length < WS_AUDIO_HEADER_BYTES) {
    throw new IngestError('ws-audio-malformed', `binary audio frame needs a ${WS_AUDIO_HEADER_BYTES}-byte header, got ${data.length} bytes`)
  }
  if (!isWsAudioFrame(data)) throw new IngestError('ws-audio-malformed', 'binary audio frame must start with "EMLA"')
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const version = view.getUint8(4)
  if (version !== WS_AUDIO_VERSION) throw new IngestError('ws-audio-malformed', `binary audio frame version must be ${WS_AUDIO_VERSION}, got ${version}`)
  const channels = view.getUint8(5)
  const sampleRate = view.getUint32(8, true)
  const frames = view.getUint32(12, true)
  const time = view.getFloat64(16, true)
  const payload = data.length - WS_AUDIO_HEADER_BYTES
  const expected = channels * frames * 4
  if (payload !== expected) {
    throw new IngestError('audio-bad-size', `binary audio frame says ${channels} channels x ${frames} frames = ${expected} bytes of float32, but carries ${payload} bytes (truncated or padded)`)
  }
  return { channels, sampleRate, time, samples: blobToFloat32(data.subarray(WS_AUDIO_HEADER_BYTES)) }
}
