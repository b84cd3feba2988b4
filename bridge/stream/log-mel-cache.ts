/**
 * Log-mel frames of the live audio, cached on the timeline's frame grid: frame g covers samples
 * [g * hop - pad_left, ... + n_fft) of the song, so a window one hop after the last computes only its
 * new frames (32 of 384 at 0.5 s) and a window recomputed after a lyric edit computes none. Frames
 * whose audio is written again are dropped. Each frame is computed from exactly the samples the
 * full computation reads, so cached windows equal freshly computed ones bit for bit.
 *
 * Bounded: at most `maxChunks` chunks of 256 frames (4 s of song, 96 KiB with 96 mels) are kept,
 * the least recently used dropped first; the default 64 chunks hold 4 minutes of song in 4 MiB.
 */
import { framesReading, LogMelExtractor, type LogMelConfig } from '../engine/log-mel.js'
import type { AudioTimeline } from './audio-timeline.js'
import type { Range } from './interval-set.js'

/** Frames per cache chunk. */
const CHUNK_FRAMES = 256

type Chunk = {
  /** [frame][mel], frame-major: one frame is written at a time */
  data: Float32Array
  /** 1 where the frame is computed and current */
  have: Uint8Array
}

/** Options of the cache. */
export type LogMelCacheOptions = {
  /** Chunks of 256 frames kept, default 64 (6 MiB with 96 mels) */
  maxChunks?: number
}

const defaults = { maxChunks: 64 }

/** How much of the asked-for frames came from the cache. */
export type LogMelCacheStats = { computed: number; reused: number; chunks: number }

/** A log-mel frame cache over one AudioTimeline; follows its writes until `close()`. */
export class LogMelCache {
  private readonly extractor: LogMelExtractor
  private readonly chunks = new Map<number, Chunk>()
  private readonly o: typeof defaults
  private readonly mels: number
  private readonly unsubscribe: () => void
  private computed = 0
  private reused = 0

  constructor(
    private readonly audio: AudioTimeline,
    private readonly config: LogMelConfig,
    options: LogMelCacheOptions = {},
  ) {
    this.o = { ...defaults, ...options }
    if (!Number.isInteger(this.o.maxChunks) || this.o.maxChunks < 1) throw new RangeError(`maxChunks must be an integer >= 1, got ${this.o.maxChunks}`)
    this.extractor = new LogMelExtractor(config)
    this.mels = config.n_mels
    this.unsubscribe = audio.onWrite((range) => (range ? this.invalidate(range) : this.chunks.clear()))
  }

  /** Frames [firstFrame, firstFrame + frames) as a [n_mels][frames] block (the model's layout): into `out` when given, else a new array. */
  window(firstFrame: number, frames: number, out = new Float32Array(this.mels * frames)): Float32Array {
    if (!Number.isInteger(firstFrame) || !Number.isInteger(frames) || frames < 0) {
      throw new RangeError(`log-mel range must be integers with frames >= 0, got firstFrame ${firstFrame}, frames ${frames}`)
    }
    if (out.length !== this.mels * frames) throw new RangeError(`out must hold ${this.mels}x${frames} = ${this.mels * frames} values, got ${out.length}`)
    let missingFrom: number | null = null
    let touched: number | null = null
    for (let g = firstFrame; g <= firstFrame + frames; g++) {
      const c = Math.floor(g / CHUNK_FRAMES)
      const chunk = g < firstFrame + frames ? this.chunks.get(c) : undefined
      if (chunk && touched !== c) {
        // most recently used: to the end of the map's order
        this.chunks.delete(c)
        this.chunks.set(c, chunk)
        touched = c
      }
      const i = g - c * CHUNK_FRAMES
      if (chunk && chunk.have[i]) {
        if (missingFrom !== null) this.compute(missingFrom, g, out, firstFrame, frames)
        missingFrom = null
        for (let m = 0; m < this.mels; m++) out[m * frames + (g - firstFrame)] = chunk.data[i * this.mels + m]!
        this.reused++
      } else if (g < firstFrame + frames) {
        missingFrom ??= g
      } else if (missingFrom !== null) {
        this.compute(missingFrom, g, out, firstFrame, frames)
      }
    }
    return out
  }

  /** Drops the frames that read any sample of [a, b). */
  invalidate(range: Range): void {
    const [first, last] = framesReading(range, this.config)
    for (let c = Math.floor(first / CHUNK_FRAMES); c <= Math.floor(last / CHUNK_FRAMES); c++) {
      const chunk = this.chunks.get(c)
      if (!chunk) continue
      const from = Math.max(first, c * CHUNK_FRAMES) - c * CHUNK_FRAMES
      const to = Math.min(last, (c + 1) * CHUNK_FRAMES - 1) - c * CHUNK_FRAMES
      chunk.have.fill(0, from, to + 1)
    }
  }

  /** Frames computed versus taken from the cache so far, and chunks held. */
  get stats(): LogMelCacheStats {
    return { computed: this.computed, reused: this.reused, chunks: this.chunks.size }
  }

  /** Bytes held. */
  get bytes(): number {
    return this.chunks.size * CHUNK_FRAMES * (this.mels * 4 + 1)
  }

  /** Stops following the audio and drops every frame. */
  close(): void {
    this.unsubscribe()
    this.chunks.clear()
  }

  /** Computes frames [from, to), stores them and copies them into `out` (which starts at frame `outFirst`). */
  private compute(from: number, to: number, out: Float32Array, outFirst: number, outFrames: number): void {
    const { hop, n_fft: nFft } = this.config
    const n = to - from
    // read from one hop before: frame 1 of the read is frame `from` (the layout the full computation uses)
    const pcm = this.audio.read((from - 1) * hop, (n + 1) * hop + nFft)
    const mel = this.extractor.compute(pcm, { firstFrame: 1, frames: n })
    this.computed += n
    for (let g = from; g < to; g++) {
      const c = Math.floor(g / CHUNK_FRAMES)
      const i = g - c * CHUNK_FRAMES
      const chunk = this.chunk(c)
      for (let m = 0; m < this.mels; m++) {
        const v = mel.data[m * n + (g - from)]!
        chunk.data[i * this.mels + m] = v
        out[m * outFrames + (g - outFirst)] = v
      }
      chunk.have[i] = 1
    }
  }

  /** Chunk c, created when absent, marked most recently used; the oldest beyond the cap are dropped. */
  private chunk(c: number): Chunk {
    let chunk = this.chunks.get(c)
    if (chunk) {
      this.chunks.delete(c)
    } else {
      chunk = { data: new Float32Array(CHUNK_FRAMES * this.mels), have: new Uint8Array(CHUNK_FRAMES) }
    }
    this.chunks.set(c, chunk)
    while (this.chunks.size > this.o.maxChunks) this.chunks.delete(this.chunks.keys().next().value as number)
    return chunk
  }
}
