/** Decodes audio files (WAV, MP3, FLAC, Ogg Vorbis, AAC) to mono PCM at a given rate with node-web-audio-api. */
import { readFile, stat } from 'node:fs/promises'
import { DECLARED_RATE_RANGE, declaredSampleRate, mpegSampleRate } from './declared-rate.js'
import { fsReason } from '../io/fs-error.js'
import { resample } from '../stream/resampler.js'

/** Decoded mono PCM. */
export type DecodedAudio = {
  /** Mean of the file's channels, float in [-1, 1] (as decoded; not clipped). */
  pcm: Float32Array
  /** Hz, the rate asked for */
  sampleRate: number
  /** Channels in the file. */
  channels: number
  /** seconds */
  duration: number
}

export type DecodeOptions = {
  /** Output rate in Hz, default 16000 (the model's) */
  sampleRate?: number
  /** Largest file accepted, bytes; default 1 GiB */
  maxBytes?: number
}

const defaults = { sampleRate: 16_000, maxBytes: 1 << 30 }

/** A file that cannot be read or decoded as audio. */
export class AudioDecodeError extends Error {
  override name = 'AudioDecodeError'
}

/** Reads and decodes an audio file, resampled to `sampleRate` and mixed down to mono. */
export async function decodeAudioFile(path: string, options: DecodeOptions = {}): Promise<DecodedAudio> {
  const o = { ...defaults, ...options }
  let size: number
  try {
    size = (await stat(path)).size
  } catch (cause) {
    throw new AudioDecodeError(`cannot read audio file ${path}: ${fsReason(cause)}`, { cause })
  }
  if (size > o.maxBytes) throw new AudioDecodeError(`audio file ${path} is ${size} bytes, more than the ${o.maxBytes} accepted`)
  if (size === 0) throw new AudioDecodeError(`audio file ${path} is empty (0 bytes)`)
  const bytes = await readFile(path)
  return decodeAudioBytes(bytes, path, o)
}

/** Decodes an encoded file held in memory; `name` labels errors. */
export async function decodeAudioBytes(bytes: Uint8Array, name: string, options: DecodeOptions = {}): Promise<DecodedAudio> {
  const o = { ...defaults, ...options }
  if (!Number.isInteger(o.sampleRate) || o.sampleRate < 3000 || o.sampleRate > 384_000) {
    throw new RangeError(`sampleRate must be an integer in [3000, 384000] Hz, got ${o.sampleRate}`)
  }
  const declared = declaredSampleRate(bytes)
  if (declared && !(declared.rate >= DECLARED_RATE_RANGE.min && declared.rate <= DECLARED_RATE_RANGE.max)) {
    // resampling a file that claims 1 Hz to 16 kHz would allocate gigabytes; no real recording has such a rate
    throw new AudioDecodeError(`cannot decode ${name}: its ${declared.container} header declares a sample rate of ${declared.rate} Hz, expected ${DECLARED_RATE_RANGE.min}-${DECLARED_RATE_RANGE.max} Hz (a damaged file?)`)
  }
  // imported here, not at the top: the CLI's other commands (and --help) need none of its native addon
  const { OfflineAudioContext } = await import('node-web-audio-api')
  // upsampling is ours (band-limited sinc): the decoder's own took up to 7 dB off the top octave of a
  // 16 kHz file brought to 48 kHz, which the model hears; its downsampling is flat within 0.5 dB
  const native = declared?.rate ?? mpegSampleRate(bytes)
  const upsample = native !== null && native < o.sampleRate
  const decodeRate = upsample ? native : o.sampleRate
  const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: 1, sampleRate: decodeRate })
  let buffer: AudioBuffer
  try {
    const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
    buffer = (await ctx.decodeAudioData(copy)) as unknown as AudioBuffer
  } catch (cause) {
    const why = cause instanceof Error ? cause.message.replace(/^Failed to execute 'decodeAudioData': /, '') : String(cause)
    throw new AudioDecodeError(`cannot decode ${name} as audio (expected WAV, MP3, FLAC, Ogg Vorbis or AAC): ${why}`, { cause })
  }
  const channels = buffer.numberOfChannels
  const pcm = new Float32Array(buffer.length)
  const scratch = new Float32Array(buffer.length)
  for (let c = 0; c < channels; c++) {
    buffer.copyFromChannel(scratch, c)
    for (let i = 0; i < pcm.length; i++) pcm[i]! += scratch[i]! / channels
  }
  if (pcm.length === 0) throw new AudioDecodeError(`${name} decodes to no samples`)
  const out = upsample ? resample(pcm, decodeRate, o.sampleRate) : pcm
  return { pcm: out, sampleRate: o.sampleRate, channels, duration: out.length / o.sampleRate }
}
