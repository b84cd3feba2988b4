/**
 * Song-time-indexed mono audio at the model's rate: sample k sits at song time k / sampleRate.
 * Stored in fixed chunks allocated on first write; newer writes replace older samples; what was
 * written is tracked so windows know when their audio is complete.
 */
import type { Seconds } from '../analysis/types.js'
import { IntervalSet, type Range } from './interval-set.js'

/** Samples per storage chunk (4 s at 16 kHz). */
const CHUNK = 65536

/** The bridge's audio memory for one song. */
export class AudioTimeline {
  readonly sampleRate: number
  /** Hard cap: samples at or past this index are refused. */
  readonly maxSamples: number
  private readonly chunks = new Map<number, Float32Array>()
  /** Sample ranges holding received audio. */
  readonly written = new IntervalSet()
  private readonly listeners = new Set<(range: Range | null) => void>()

  constructor(sampleRate: number, maxDuration: Seconds) {
    if (!(sampleRate > 0)) throw new RangeError(`sampleRate must be > 0, got ${sampleRate}`)
    if (!(maxDuration > 0)) throw new RangeError(`maxDuration must be > 0 s, got ${maxDuration}`)
    this.sampleRate = sampleRate
    this.maxSamples = Math.ceil(maxDuration * sampleRate)
  }

  /** Writes samples starting at sample index `start`, clipped to [0, maxSamples); returns the range written. */
  write(start: number, samples: Float32Array): Range | null {
    const a = Math.max(0, start)
    const b = Math.min(this.maxSamples, start + samples.length)
    if (b <= a) return null
    for (let k = a; k < b; ) {
      const c = Math.floor(k / CHUNK)
      let chunk = this.chunks.get(c)
      if (!chunk) this.chunks.set(c, (chunk = new Float32Array(CHUNK)))
      const n = Math.min(b, (c + 1) * CHUNK) - k
      chunk.set(samples.subarray(k - start, k - start + n), k - c * CHUNK)
      k += n
    }
    this.written.add(a, b)
    for (const l of this.listeners) l([a, b])
    return [a, b]
  }

  /** Calls `listener` after each write with the range written (null: everything was cleared); returns an unsubscribe. */
  onWrite(listener: (range: Range | null) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Copies [start, start + length) into a new array; zeros where nothing was written or out of range. */
  read(start: number, length: number): Float32Array {
    const out = new Float32Array(length)
    const a = Math.max(0, start)
    const b = Math.min(this.maxSamples, start + length)
    for (let k = a; k < b; ) {
      const c = Math.floor(k / CHUNK)
      const n = Math.min(b, (c + 1) * CHUNK) - k
      const chunk = this.chunks.get(c)
      if (chunk) out.set(chunk.subarray(k - c * CHUNK, k - c * CHUNK + n), k - start)
      k += n
    }
    return out
  }

  /** Song time just after the last written sample. */
  get duration(): Seconds {
    return this.written.end / this.sampleRate
  }

  /** Bytes held in sample memory. */
  get bytes(): number {
    return this.chunks.size * CHUNK * 4
  }

  /** Forgets everything. */
  clear(): void {
    this.chunks.clear()
    this.written.clear()
    for (const l of this.listeners) l(null)
  }
}
