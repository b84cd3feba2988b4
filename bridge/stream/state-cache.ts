/**
 * Audio-encoder states of the live timeline, each computed once. A model whose states read
 * `encoder_context` states of audio either side (manifest) gets, for every window, the states a
 * whole-song encoding gives: missing states are encoded in runs, each run with that much context on
 * both sides, and kept. A write into the audio drops every state whose reach it touches.
 *
 * States are keyed by their first log-mel frame, so windows on any hop share the states they have in
 * common (all of them at the default 0.5 s hop). Bounded: the least recently used states go first.
 */
import type { AudioStates } from '../engine/emotion-model.js'
import { framesReading, type LogMel } from '../engine/log-mel.js'
import type { AudioTimeline } from './audio-timeline.js'
import type { Range } from './interval-set.js'
import type { LogMelCache } from './log-mel-cache.js'

/** What the cache needs of the model: the long-stretch encoder and the front end's settings. */
export type StateEncoder = {
  encodeAudio(mel: LogMel, firstFrame?: number): Promise<AudioStates>
  readonly manifest: { dim: number; audio: { hop: number; n_fft: number; pad_left: number; n_mels: number; encoder_stride: number; encoder_context?: number } }
}

/** Options of the cache. */
export type StateCacheOptions = {
  /** States kept, default 2048 (17 minutes of song at 0.5 s, 1 MiB at 128 wide) */
  maxStates?: number
}

const defaults = { maxStates: 2048 }

/** Encoded versus reused states so far. */
export type StateCacheStats = { encoded: number; reused: number; size: number }

/** Encoder states over one AudioTimeline; follows its writes until `close()`. */
export class StateCache {
  private readonly states = new Map<number, Float32Array>()
  private readonly o: typeof defaults
  private readonly unsubscribe: () => void
  private readonly stride: number
  private readonly context: number
  private readonly dim: number
  private encoded = 0
  private reused = 0
  /** Bumped by every write: states encoded from audio older than the latest write are not kept. */
  private version = 0

  constructor(
    audio: AudioTimeline,
    private readonly mel: LogMelCache,
    private readonly model: StateEncoder,
    options: StateCacheOptions = {},
  ) {
    this.o = { ...defaults, ...options }
    if (!Number.isInteger(this.o.maxStates) || this.o.maxStates < 1) throw new RangeError(`maxStates must be an integer >= 1, got ${this.o.maxStates}`)
    const a = model.manifest.audio
    this.stride = a.encoder_stride
    this.context = a.encoder_context ?? 0
    this.dim = model.manifest.dim
    this.unsubscribe = audio.onWrite((range) => {
      this.version++
      if (range) this.invalidate(range)
      else this.states.clear()
    })
  }

  /**
   * The states of windows starting at these log-mel frames, `count` states each: [window][count][dim]
   * per window. Encodes what is missing (consecutive states in one run) and keeps it.
   */
  async windows(firstFrames: readonly number[], count: number): Promise<Float32Array[]> {
    const { stride, dim } = this
    const wanted = new Map<number, Float32Array | null>()
    for (const f of firstFrames) {
      for (let k = 0; k < count; k++) wanted.set(f + k * stride, null)
    }
    const missing: number[] = []
    for (const key of wanted.keys()) {
      const hit = this.states.get(key)
      if (hit) {
        this.states.delete(key) // most recently used: to the end of the map's order
        this.states.set(key, hit)
        wanted.set(key, hit)
        this.reused++
      } else {
        missing.push(key)
      }
    }
    missing.sort((a, b) => a - b)
    for (let i = 0; i < missing.length; ) {
      let j = i + 1
      while (j < missing.length && missing[j] === missing[j - 1]! + stride) j++
      for (const [key, state] of await this.encodeRun(missing[i]!, j - i)) wanted.set(key, state)
      i = j
    }
    return firstFrames.map((f) => {
      const out = new Float32Array(count * dim)
      for (let k = 0; k < count; k++) out.set(wanted.get(f + k * stride)!, k * dim)
      return out
    })
  }

  /** Encoded versus reused states, and states held. */
  get stats(): StateCacheStats {
    return { encoded: this.encoded, reused: this.reused, size: this.states.size }
  }

  /** Stops following the audio and drops every state. */
  close(): void {
    this.unsubscribe()
    this.states.clear()
  }

  /** Encodes `n` consecutive states from `first` with context either side; keeps them unless the audio changed meanwhile. */
  private async encodeRun(first: number, n: number): Promise<[number, Float32Array][]> {
    const { stride, context, dim } = this
    const from = first - context * stride
    const frames = (n + 2 * context) * stride
    const version = this.version
    const mels = this.model.manifest.audio.n_mels
    const states = await this.model.encodeAudio({ data: this.mel.window(from, frames), frames, mels }, from)
    this.encoded += n
    const out: [number, Float32Array][] = []
    for (let k = 0; k < n; k++) {
      const state = states.data.slice((context + k) * dim, (context + k + 1) * dim)
      out.push([first + k * stride, state])
      if (version === this.version) this.states.set(first + k * stride, state)
    }
    while (this.states.size > this.o.maxStates) this.states.delete(this.states.keys().next().value!)
    return out
  }

  /** Drops the states that read any sample of [a, b): their own frames or their context's. */
  private invalidate(range: Range): void {
    const reach = this.context * this.stride
    const [first, last] = framesReading(range, this.model.manifest.audio)
    const firstFrame = first - reach
    const lastFrame = last + reach
    for (const key of [...this.states.keys()]) {
      if (key + this.stride - 1 >= firstFrame && key <= lastFrame) this.states.delete(key)
    }
  }
}
