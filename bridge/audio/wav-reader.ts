/**
 * WAV files (RIFF, RF64, BW64; integer PCM of 8-32 bits and IEEE float) read in blocks straight into
 * the model's rate: a 3-minute 44.1 kHz stereo bounce through the general decoder held the file, a
 * copy of it and the decoded 44.1 kHz channels at once (about 170 MB); read here, never more than a
 * block of the file and the 16 kHz mono result. Other encodings inside a WAV (ADPCM, mu-law ...) are
 * left to the general decoder.
 */
import { open } from 'node:fs/promises'
import { StreamingResampler } from '../stream/resampler.js'
import { isWav, tag } from './declared-rate.js'

/** What a WAV header says about its samples. */
export type WavFormat = {
  channels: number
  /** Hz */
  sampleRate: number
  /** 8 (unsigned), 16, 24 or 32 for integers; 32 or 64 for floats */
  bitsPerSample: number
  float: boolean
  /** Bytes of one frame (every channel's sample) */
  blockAlign: number
  /** Byte offset of the first sample in the file */
  dataOffset: number
  /** Bytes of samples the header declares, or null where it does not say (streamed or RF64 without ds64) */
  dataBytes: number | null
}

/** A WAV header that this reader cannot take (the general decoder gets the file instead). */
export type WavUnsupported = { unsupported: string }

/** A WAV whose header is damaged: the caller refuses the file with this reason. */
export class WavFormatError extends Error {
  override name = 'WavFormatError'
}

/** Bytes of the file read to find the header; chunks before the samples (metadata, pictures) beyond this go to the general decoder. */
export const WAV_HEADER_BYTES = 1 << 20

/** Whether typed arrays on this machine read little-endian, as WAV stores its samples. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/**
 * Parses the header of a WAV held in `b` (the whole file or at least its header): the format and where
 * the samples start; `unsupported` for encodings other than integer PCM and float; throws
 * WavFormatError for a header that is damaged.
 */
export function parseWavHeader(b: Uint8Array): WavFormat | WavUnsupported {
  if (!isWav(b)) throw new WavFormatError('not a RIFF/RF64 WAVE file')
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  let fmt: Omit<WavFormat, 'dataOffset' | 'dataBytes'> | WavUnsupported | null = null
  let ds64DataBytes: number | null = null
  for (let at = 12; at + 8 <= b.length; ) {
    const id = tag(b, at)
    const size = view.getUint32(at + 4, true)
    const body = at + 8
    if (id === 'ds64' && body + 16 <= b.length) {
      // RF64: the data chunk's real size, 64 bits at +8
      ds64DataBytes = view.getUint32(body + 8, true) + view.getUint32(body + 12, true) * 2 ** 32
    } else if (id === 'fmt ') {
      if (size < 16 || body + 16 > b.length) throw new WavFormatError(`its 'fmt ' chunk is ${size} bytes, expected at least 16`)
      fmt = readFmt(view, body, size)
    } else if (id === 'data') {
      if (!fmt) throw new WavFormatError("its samples come before the 'fmt ' chunk that describes them")
      if ('unsupported' in fmt) return fmt
      // 0xFFFFFFFF: streamed, or RF64 with the size in ds64; 0 from some recorders that never wrote it
      const declared = size === 0xffffffff ? ds64DataBytes : size === 0 ? null : size
      return { ...fmt, dataOffset: body, dataBytes: declared }
    }
    at = body + size + (size & 1)
  }
  if (!fmt) throw new WavFormatError("no 'fmt ' chunk in its header")
  if ('unsupported' in fmt) return fmt
  throw new WavFormatError(b.length >= WAV_HEADER_BYTES ? `no 'data' chunk in its first ${WAV_HEADER_BYTES} bytes` : "no 'data' chunk (no samples)")
}

/** The 'fmt ' chunk's body at `at`. */
function readFmt(view: DataView, at: number, size: number): Omit<WavFormat, 'dataOffset' | 'dataBytes'> | WavUnsupported {
  let code = view.getUint16(at, true)
  const channels = view.getUint16(at + 2, true)
  const sampleRate = view.getUint32(at + 4, true)
  const blockAlign = view.getUint16(at + 12, true)
  const bitsPerSample = view.getUint16(at + 14, true)
  // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID
  if (code === 0xfffe) {
    if (size < 40 || at + 26 > view.byteLength) throw new WavFormatError(`its extensible 'fmt ' chunk is ${size} bytes, expected 40`)
    code = view.getUint16(at + 24, true)
  }
  if (code !== 1 && code !== 3) return { unsupported: `format code ${code}` }
  const float = code === 3
  if (channels === 0) throw new WavFormatError('its header declares 0 channels')
  if (float ? bitsPerSample !== 32 && bitsPerSample !== 64 : ![8, 16, 24, 32].includes(bitsPerSample)) {
    return { unsupported: `${bitsPerSample}-bit ${float ? 'float' : 'integer'} samples` }
  }
  if (blockAlign !== channels * (bitsPerSample / 8)) {
    throw new WavFormatError(`its header declares ${blockAlign} bytes a frame, but ${channels} channels of ${bitsPerSample} bits take ${channels * (bitsPerSample / 8)}`)
  }
  return { channels, sampleRate, bitsPerSample, float, blockAlign }
}

/** The mean of the channels of whole frames of `bytes` (little-endian samples of `f`), as floats in [-1, 1]. */
export function monoFrames(bytes: Uint8Array, f: Pick<WavFormat, 'channels' | 'bitsPerSample' | 'float' | 'blockAlign'>): Float32Array {
  const frames = Math.floor(bytes.length / f.blockAlign)
  const out = new Float32Array(frames)
  // 16-bit integers and 32-bit floats (most bounces) through a typed view where the bytes are aligned
  // for one (blocks read into a fresh buffer are): 3x faster than a DataView per sample
  const step = f.bitsPerSample / 8
  const typed = (f.bitsPerSample === 16 && !f.float) || (f.bitsPerSample === 32 && f.float)
  if (typed && LITTLE_ENDIAN && bytes.byteOffset % step === 0) {
    const n = frames * f.channels
    const view = f.float ? new Float32Array(bytes.buffer, bytes.byteOffset, n) : new Int16Array(bytes.buffer, bytes.byteOffset, n)
    const scale = (f.float ? 1 : 1 / 32768) / f.channels
    for (let i = 0, at = 0; i < frames; i++) {
      let s = 0
      for (let c = 0; c < f.channels; c++, at++) s += view[at]!
      out[i] = s * scale
    }
    return out
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const { channels, blockAlign } = f
  const read = sampleReader(f)
  const scale = 1 / channels
  for (let i = 0, at = 0; i < frames; i++, at += blockAlign) {
    let s = 0
    for (let c = 0, p = at; c < channels; c++, p += step) s += read(view, p)
    out[i] = s * scale
  }
  return out
}

/** One sample at a byte offset, as a float in [-1, 1] (floats as stored). */
function sampleReader(f: Pick<WavFormat, 'bitsPerSample' | 'float'>): (v: DataView, at: number) => number {
  if (f.float) return f.bitsPerSample === 32 ? (v, at) => v.getFloat32(at, true) : (v, at) => v.getFloat64(at, true)
  switch (f.bitsPerSample) {
    case 8:
      return (v, at) => (v.getUint8(at) - 128) / 128
    case 16:
      return (v, at) => v.getInt16(at, true) / 32768
    case 24:
      return (v, at) => ((v.getUint8(at) | (v.getUint8(at + 1) << 8) | (v.getInt8(at + 2) << 16)) / 8388608)
    default:
      return (v, at) => v.getInt32(at, true) / 2147483648
  }
}

/** Decoded mono PCM of a WAV at the rate asked for. */
export type WavPcm = { pcm: Float32Array; channels: number; sourceRate: number }

/** Bytes read and converted at a time. */
const BLOCK_BYTES = 1 << 20

/**
 * Reads the samples of a WAV whose header is `f` through `readAt(offset, length)` in blocks (as many
 * bytes as are there; a file cut short gives what it holds), mixed to mono and resampled to `rate`.
 */
async function convert(f: WavFormat, available: number, rate: number, shared: boolean, readAt: (offset: number, length: number) => Promise<Uint8Array>): Promise<WavPcm> {
  const bytes = Math.min(f.dataBytes ?? Infinity, available)
  const frames = Math.floor(Math.max(0, bytes) / f.blockAlign)
  const same = f.sampleRate === rate
  const resampler = same ? null : new StreamingResampler(f.sampleRate, rate, 0)
  const length = same ? frames : Math.ceil((frames * rate) / f.sampleRate)
  const pcm = shared ? new Float32Array(new SharedArrayBuffer(length * 4)) : new Float32Array(length)
  let written = 0
  const put = (x: Float32Array): void => {
    const n = Math.min(x.length, pcm.length - written)
    pcm.set(x.subarray(0, n), written)
    written += n
  }
  const block = BLOCK_BYTES - (BLOCK_BYTES % f.blockAlign)
  for (let done = 0; done < frames * f.blockAlign; done += block) {
    const mono = monoFrames(await readAt(f.dataOffset + done, Math.min(block, frames * f.blockAlign - done)), f)
    put(resampler ? resampler.push(mono).samples : mono)
  }
  if (resampler) put(resampler.flush().samples)
  return { pcm: written === pcm.length ? pcm : pcm.subarray(0, written), channels: f.channels, sourceRate: f.sampleRate }
}

/** Decodes a WAV held in memory (see parseWavHeader for what is returned instead of PCM); `shared`: the samples in a SharedArrayBuffer. */
export async function decodeWavBytes(b: Uint8Array, rate: number, shared = false): Promise<WavPcm | WavUnsupported> {
  const f = parseWavHeader(b)
  if ('unsupported' in f) return f
  return convert(f, b.length - f.dataOffset, rate, shared, async (offset, length) => b.subarray(offset, offset + length))
}

/**
 * Decodes a WAV file of `size` bytes without reading it whole, from its first bytes already read
 * (`head`, up to WAV_HEADER_BYTES); `shared`: the samples in a SharedArrayBuffer.
 */
export async function decodeWavFile(path: string, size: number, head: Uint8Array, rate: number, shared = false): Promise<WavPcm | WavUnsupported> {
  const f = parseWavHeader(head)
  if ('unsupported' in f) return f
  const handle = await open(path, 'r')
  try {
    const scratch = new Uint8Array(BLOCK_BYTES)
    return await convert(f, size - f.dataOffset, rate, shared, async (offset, length) => {
      const { bytesRead } = await handle.read(scratch, 0, length, offset)
      return scratch.subarray(0, bytesRead)
    })
  } finally {
    await handle.close()
  }
}
