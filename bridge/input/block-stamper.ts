/**
 * Cuts captured audio into blocks for BridgeInput.audio and stamps each with the song time of its
 * first sample, taken from the DAW's transport clock. Blocks follow each other without gaps or
 * overlaps while the transport runs steadily; a jump of the play head starts a new run at the
 * new time; nothing is sent while the DAW is stopped (its master bus plays nothing worth keeping).
 */
import type { Seconds } from '../analysis/types.js'
import type { SongClock } from '../daw/transport-follower.js'
import type { AudioBlock } from '../server/protocol.js'

export type BlockStamperOptions = {
  sampleRate: number
  channels: number
  /** Block length, default 0.25 s */
  blockSeconds?: Seconds
  /** Capture latency: how long after it played a sample reaches us, default 0 */
  latency?: Seconds
  /** A block's clock time within this of where the last one ended continues it, default 0.08 s */
  jitter?: Seconds
}

const defaults = { blockSeconds: 0.25, latency: 0, jitter: 0.08 }

/** Options without their undefined entries, so they do not hide the defaults. */
function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}

/** Song time from the transport, or free-running from the start of capture when there is no DAW clock. */
export class BlockStamper {
  private readonly o: Required<BlockStamperOptions>
  private readonly frames: number
  private pending: Float32Array
  private filled = 0
  /** Song time where the next block starts, when continuing a run. */
  private nextTime: Seconds | null = null

  constructor(
    private readonly clock: SongClock,
    private readonly emit: (block: AudioBlock) => void,
    options: BlockStamperOptions,
  ) {
    this.o = { ...defaults, ...definedOnly(options) }
    if (!Number.isInteger(this.o.channels) || this.o.channels < 1) throw new RangeError(`channels must be a whole number >= 1, got ${this.o.channels}`)
    if (!(this.o.sampleRate >= 3000)) throw new RangeError(`sampleRate must be >= 3000 Hz, got ${this.o.sampleRate}`)
    if (!(this.o.blockSeconds > 0 && this.o.blockSeconds <= 2)) throw new RangeError(`blockSeconds must be in (0, 2], got ${this.o.blockSeconds}`)
    this.frames = Math.round(this.o.blockSeconds * this.o.sampleRate)
    this.pending = new Float32Array(this.frames * this.o.channels)
  }

  /** Takes one captured chunk (one Float32Array per channel, all the same length), just captured now. */
  push(channels: Float32Array[]): void {
    if (channels.length !== this.o.channels) throw new RangeError(`expected ${this.o.channels} channel arrays, got ${channels.length}`)
    const n = channels[0]!.length
    if (!this.clock.playing) {
      // Stopped: drop what was buffered; the next run starts where the play head then is.
      this.filled = 0
      this.nextTime = null
      return
    }
    // Song time of this chunk's first sample, by the clock (the chunk ends about now, minus latency).
    const chunkStart = this.clock.now() - this.o.latency - n / this.o.sampleRate
    const expected = this.nextTime === null ? null : this.nextTime + this.filled / this.o.sampleRate
    if (expected === null || Math.abs(chunkStart - expected) > this.o.jitter) {
      this.filled = 0 // a seek or loop: whatever was buffered belongs to the old place
      this.nextTime = Math.max(0, chunkStart)
    }
    for (let i = 0; i < n; ) {
      const take = Math.min(n - i, this.frames - this.filled)
      const C = this.o.channels
      for (let c = 0; c < C; c++) {
        const src = channels[c]!
        for (let k = 0; k < take; k++) this.pending[(this.filled + k) * C + c] = src[i + k]!
      }
      this.filled += take
      i += take
      if (this.filled === this.frames) {
        this.emit({ samples: this.pending, channels: C, sampleRate: this.o.sampleRate, time: this.nextTime! })
        this.pending = new Float32Array(this.frames * C)
        this.nextTime! += this.frames / this.o.sampleRate
        this.filled = 0
      }
    }
  }
}

/** A clock for capture without a DAW: song time runs from 0 when capture starts. */
export class FreeRunningClock implements SongClock {
  readonly playing = true
  readonly known = true
  private readonly t0: number
  constructor(private readonly wall: () => number = () => performance.now()) {
    this.t0 = wall()
  }
  now(): Seconds {
    return (this.wall() - this.t0) / 1000
  }
}
