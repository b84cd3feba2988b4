/** Writes 16-bit PCM WAV files the way a DAW bounces: header with placeholder sizes, samples in chunks, header patched last. */
import { open } from 'node:fs/promises'

export function wavHeader(dataBytes: number, sampleRate: number, channels = 1): Uint8Array {
  const b = Buffer.alloc(44)
  b.write('RIFF', 0)
  b.writeUInt32LE(dataBytes === 0 ? 0 : 36 + dataBytes, 4)
  b.write('WAVE', 8)
  b.write('fmt ', 12)
  b.writeUInt32LE(16, 16)
  b.writeUInt16LE(1, 20)
  b.writeUInt16LE(channels, 22)
  b.writeUInt32LE(sampleRate, 24)
  b.writeUInt32LE(sampleRate * channels * 2, 28)
  b.writeUInt16LE(channels * 2, 32)
  b.writeUInt16LE(16, 34)
  b.write('data', 36)
  b.writeUInt32LE(dataBytes, 40)
  return b
}

/** PCM16 of a sine, `seconds` long. */
export function sinePcm(seconds: number, sampleRate: number, hz = 440): Uint8Array {
  const n = Math.round(seconds * sampleRate)
  const b = Buffer.alloc(n * 2)
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / sampleRate) * 12000), i * 2)
  return b
}

/** A whole WAV file in one buffer. */
export function wavFile(seconds: number, sampleRate = 8000, hz = 440): Uint8Array {
  const pcm = sinePcm(seconds, sampleRate, hz)
  return Buffer.concat([wavHeader(pcm.length, sampleRate), pcm])
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Rewrites `path` in place like a DAW render: truncate, placeholder header, chunks with pauses, patched header. */
export async function bounceInPlace(path: string, pcm: Uint8Array, sampleRate: number, opts: { chunks: number; pauseMs: number }): Promise<void> {
  const f = await open(path, 'w')
  try {
    await f.write(wavHeader(0, sampleRate), 0, 44, 0)
    const step = Math.ceil(pcm.length / opts.chunks)
    for (let o = 0; o < pcm.length; o += step) {
      await sleep(opts.pauseMs)
      const part = pcm.subarray(o, Math.min(pcm.length, o + step))
      await f.write(part, 0, part.length, 44 + o)
    }
    await sleep(opts.pauseMs)
    await f.write(wavHeader(pcm.length, sampleRate), 0, 44, 0)
  } finally {
    await f.close()
  }
}
