/**
 * Decodes audio files (WAV, MP3, FLAC, Ogg Vorbis, AAC) to mono PCM at a given rate: WAV with integer or
 * float samples in blocks by wav-reader.ts, everything else with node-web-audio-api.
 */
import { open, readFile, stat } from 'node:fs/promises'
import { DECLARED_RATE_RANGE, declaredSampleRate, isWav, mpegSampleRate } from './declared-rate.js'
import { decodeWavBytes, decodeWavFile, WAV_HEADER_BYTES, WavFormatError, type WavPcm, type WavUnsupported } from './wav-reader.js'
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
  /** The samples in a SharedArrayBuffer (another thread reads them without a copy), default false */
  shared?: boolean
}

const defaults = { sampleRate: 16_000, maxBytes: 1 << 30, shared: false }

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
  const head = await readHead(path, Math.min(size, WAV_HEADER_BYTES))
  if (isWav(head)) {
    checkOptions(o)
    checkDeclaredRate(head, path)
    const wav = await wavOrNull(decodeWavFile(path, size, head, o.sampleRate, o.shared), path, o.sampleRate)
    if (wav) return wav
  }
  const bytes = await readFile(path)
  return decodeAudioBytes(bytes, path, o)
}

/** The first `length` bytes of a file. */
async function readHead(path: string, length: number): Promise<Uint8Array> {
  try {
    const handle = await open(path, 'r')
    try {
      const head = new Uint8Array(length)
      const { bytesRead } = await handle.read(head, 0, length, 0)
      return head.subarray(0, bytesRead)
    } finally {
      await handle.close()
    }
  } catch (cause) {
    throw new AudioDecodeError(`cannot read audio file ${path}: ${fsReason(cause)}`, { cause })
  }
}

function checkOptions(o: typeof defaults): void {
  if (!Number.isInteger(o.sampleRate) || o.sampleRate < 3000 || o.sampleRate > 384_000) {
    throw new RangeError(`sampleRate must be an integer in [3000, 384000] Hz, got ${o.sampleRate}`)
  }
}

/** Refuses a header that declares an absurd rate (resampling a file that claims 1 Hz would allocate gigabytes). */
function checkDeclaredRate(bytes: Uint8Array, name: string): { container: string; rate: number } | null {
  const declared = declaredSampleRate(bytes)
  if (declared && !(declared.rate >= DECLARED_RATE_RANGE.min && declared.rate <= DECLARED_RATE_RANGE.max)) {
    throw new AudioDecodeError(`cannot decode ${name}: its ${declared.container} header declares a sample rate of ${declared.rate} Hz, expected ${DECLARED_RATE_RANGE.min}-${DECLARED_RATE_RANGE.max} Hz (a damaged file?)`)
  }
  return declared
}

/** The WAV reader's result as DecodedAudio; null where it leaves the file to the general decoder; a damaged header as AudioDecodeError. */
async function wavOrNull(decoding: Promise<WavPcm | WavUnsupported>, name: string, rate: number): Promise<DecodedAudio | null> {
  let wav: WavPcm | WavUnsupported
  try {
    wav = await decoding
  } catch (cause) {
    if (!(cause instanceof WavFormatError)) throw new AudioDecodeError(`cannot read audio file ${name}: ${fsReason(cause)}`, { cause })
    throw new AudioDecodeError(`cannot decode ${name} as WAV: ${cause.message} (expected a header of RIFF chunks 'fmt ' then 'data')`, { cause })
  }
  if ('unsupported' in wav) return null
  if (wav.pcm.length === 0) throw new AudioDecodeError(`${name} decodes to no samples (its WAV 'data' chunk holds no whole frame)`)
  return { pcm: wav.pcm, sampleRate: rate, channels: wav.channels, duration: wav.pcm.length / rate }
}

/** Decodes an encoded file held in memory; `name` labels errors. */
export async function decodeAudioBytes(bytes: Uint8Array, name: string, options: DecodeOptions = {}): Promise<DecodedAudio> {
  const o = { ...defaults, ...options }
  checkOptions(o)
  const declared = checkDeclaredRate(bytes, name)
  if (isWav(bytes)) {
    const wav = await wavOrNull(decodeWavBytes(bytes, o.sampleRate, o.shared), name, o.sampleRate)
    if (wav) return wav
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
  const scale = 1 / channels
  for (let c = 0; c < channels; c++) {
    const channel = buffer.getChannelData(c)
    for (let i = 0; i < pcm.length; i++) pcm[i] = pcm[i]! + channel[i]! * scale
  }
  if (pcm.length === 0) throw new AudioDecodeError(`${name} decodes to no samples`)
  const resampled = upsample ? resample(pcm, decodeRate, o.sampleRate) : pcm
  const out = o.shared ? toShared(resampled) : resampled
  return { pcm: out, sampleRate: o.sampleRate, channels, duration: out.length / o.sampleRate }
}

/** A copy of `x` in a SharedArrayBuffer. */
function toShared(x: Float32Array): Float32Array {
  const out = new Float32Array(new SharedArrayBuffer(x.byteLength))
  out.set(x)
  return out
}
