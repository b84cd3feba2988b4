/**
 * The inference loop: takes due windows from the timeline's scheduler (newest first), builds each
 * window's log-mel and lyric context, runs the model in batches, and hands back frames that are
 * still current. Ingest never waits for it: audio keeps landing while a batch runs.
 */
import { buildFrame } from '../analysis/frames.js'
import { lyricContext } from '../analysis/lyric-context.js'
import type { Frame, SectionSpan } from '../analysis/types.js'
import type { EmotionModel } from '../engine/emotion-model.js'
import { TypedEmitter } from '../server/typed-emitter.js'
import type { LiveTimeline } from './live-timeline.js'
import { LogMelCache, type LogMelCacheOptions } from './log-mel-cache.js'
import { StateCache, type StateCacheOptions } from './state-cache.js'
import type { WindowJob } from './window-scheduler.js'

/**
 * The parts of the model the loop uses: the per-window path, and for a model whose states read
 * audio beyond their own (manifest `audio.encoder_context` > 0) the long-stretch encoder and the
 * fusion on states, so that live windows read what an offline analysis reads.
 */
export type WindowModel = Pick<EmotionModel, 'run' | 'logMel' | 'manifest' | 'windowFrames'> & Partial<Pick<EmotionModel, 'encodeAudio' | 'runStates'>>

/** Events of the loop. */
export type LiveInferenceEvents = {
  frames: [frames: Frame[]]
  /** The model failed on a batch; the windows stay due and are retried after a pause. */
  failure: [err: Error]
  /** Pending/keeping-up may have changed. */
  progress: []
}

/** Options of the loop. */
export type LiveInferenceOptions = {
  /** Windows per model run, default 8 */
  batchSize?: number
  /** Pause after a failed batch before trying again, default 2000 ms */
  retryMs?: number
  /** Latency samples older than this leave the median, default 60000 ms */
  latencyWindowMs?: number
  /** Log-mel frame cache over the timeline's audio (its size cap) */
  melCache?: LogMelCacheOptions
  /** Audio-encoder state cache (its size cap), for models with encoder context */
  stateCache?: StateCacheOptions
}

const defaults = { batchSize: 8, retryMs: 2000, latencyWindowMs: 60_000 }

/** Runs the model over due windows until none are left; restarts on `wake()`. */
export class LiveInference extends TypedEmitter<LiveInferenceEvents> {
  private readonly o: typeof defaults
  private running = false
  private again = false
  private closed = false
  private blockedUntil = 0
  private retryTimer: NodeJS.Timeout | null = null
  private idle: Promise<void> = Promise.resolve()
  private readonly latencies: { at: number; ms: number }[] = []
  /** Spans used for lyric context when the DAW gives none (the detected ones). */
  detectedSpans: SectionSpan[] = []
  /** Log-mel frames of the timeline's audio, computed once per write. */
  readonly mel: LogMelCache
  /** Audio-encoder states of the timeline's audio, each encoded once per write (null: the model reads each window alone). */
  readonly states: StateCache | null

  constructor(
    private readonly timeline: LiveTimeline,
    private readonly model: WindowModel,
    options: LiveInferenceOptions = {},
  ) {
    super()
    this.o = { ...defaults, ...options }
    if (!Number.isInteger(this.o.batchSize) || this.o.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${this.o.batchSize}`)
    this.mel = new LogMelCache(timeline.audio, model.manifest.audio, options.melCache)
    const { encodeAudio, runStates } = model
    if ((model.manifest.audio.encoder_context ?? 0) > 0) {
      if (!encodeAudio || !runStates) throw new TypeError('a model with encoder context needs encodeAudio and runStates for live windows')
      this.states = new StateCache(timeline.audio, this.mel, { manifest: model.manifest, encodeAudio: encodeAudio.bind(model) }, options.stateCache)
    } else {
      this.states = null
    }
  }

  /** Starts the loop if it is not running (call after anything that may make windows due). */
  wake(): void {
    if (this.closed) return
    if (this.running) {
      this.again = true // the loop may be past its last take(): look again when it ends
      return
    }
    const wait = this.blockedUntil - performance.now()
    if (wait > 0) {
      this.retryTimer ??= setTimeout(() => {
        this.retryTimer = null
        this.wake()
      }, wait)
      return
    }
    this.running = true
    this.again = false
    // start on a later turn: the caller (an arriving block) must not pay for log-mel work
    this.idle = new Promise<void>((r) => setImmediate(r)).then(() => this.loop()).finally(() => {
      this.running = false
      if (this.again) this.wake()
    })
  }

  /** Resolves once the loop has nothing left to do right now. */
  async settled(): Promise<void> {
    this.wake()
    for (;;) {
      const current = this.idle
      await current
      await new Promise((r) => setImmediate(r))
      if (!this.running && this.idle === current) return
    }
  }

  /** Windows due now, waiting for the model. */
  get pending(): number {
    const t = this.timeline
    return t.scheduler.pending(t.audio.written, t.ingest.head, t.flushing)
  }

  /** Median latency from a window's last audio to its frame over the last minute, ms. */
  get latencyMs(): number | null {
    this.pruneLatencies(performance.now())
    if (this.latencies.length === 0) return null
    const sorted = this.latencies.map((l) => l.ms).sort((a, b) => a - b)
    return Math.round(sorted[sorted.length >> 1]! * 10) / 10
  }

  close(): void {
    this.closed = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    this.mel.close()
    this.states?.close()
  }

  private async loop(): Promise<void> {
    const t = this.timeline
    while (!this.closed) {
      const scheduler = t.scheduler
      const jobs = scheduler.take(t.audio.written, t.ingest.head, t.flushing, this.o.batchSize)
      if (jobs.length === 0) break
      let frames: [number, Frame][]
      try {
        frames = await this.runBatch(jobs)
      } catch (err) {
        for (const j of jobs) scheduler.finish(j, false)
        this.blockedUntil = performance.now() + this.o.retryMs
        this.emit('failure', err instanceof Error ? err : new Error(String(err)))
        this.emit('progress')
        queueMicrotask(() => this.wake())
        return
      }
      // the hop changed while the batch ran (a preset switch): its frames belong to the old grid
      if (t.scheduler !== scheduler) continue
      const now = performance.now()
      const kept: [number, Frame][] = []
      jobs.forEach((j, i) => {
        if (!scheduler.finish(j, true)) return
        kept.push(frames[i]!)
        if (j.touchedAt > 0) this.latencies.push({ at: now, ms: now - j.touchedAt })
      })
      this.pruneLatencies(now)
      if (kept.length) {
        t.putFrames(kept)
        this.emit('frames', kept.map(([, f]) => f).sort((a, b) => a.t - b.t))
      }
      this.emit('progress')
      // let ingest and sockets run between batches
      await new Promise((r) => setImmediate(r))
    }
  }

  private async runBatch(jobs: WindowJob[]): Promise<[number, Frame][]> {
    const t = this.timeline
    const a = this.model.manifest.audio
    const windowFrames = this.model.windowFrames
    const spans = t.spans.length ? t.spans : this.detectedSpans
    const lyrics = jobs.map((j) => lyricContext(t.lyrics, j.start, j.end, spans))
    // the window's first frame starts at its first sample minus pad_left
    const firstFrames = jobs.map((j) => Math.round(j.firstSample / a.hop))
    let outs
    if (this.states) {
      const states = await this.states.windows(firstFrames, windowFrames / a.encoder_stride)
      outs = await this.model.runStates!(states.map((s, i) => ({ states: s, lyrics: lyrics[i]! })))
    } else {
      // every window's log-mel in one buffer (one allocation per batch); frames come from the cache
      const size = a.n_mels * windowFrames
      const batch = new Float32Array(jobs.length * size)
      outs = await this.model.run(firstFrames.map((f, i) => ({ logMel: this.mel.window(f, windowFrames, batch.subarray(i * size, (i + 1) * size)), lyrics: lyrics[i]! })))
    }
    return jobs.map((j, i) => {
      const centre = t.centreOf(j.index)
      const plan = { t: centre, start: Math.round(j.start * 1e6) / 1e6, end: Math.round(j.end * 1e6) / 1e6 }
      return [j.index, buildFrame(plan, outs[i]!)]
    })
  }

  private pruneLatencies(now: number): void {
    while (this.latencies.length && (this.latencies[0]!.at < now - this.o.latencyWindowMs || this.latencies.length > 4096)) this.latencies.shift()
  }
}
