/**
 * Recomputes sections, conflicts and the summary (analysis/timeline.ts) after new frames or text,
 * at most once per `throttleMs`, one run at a time; the last result is kept for new clients. The
 * audio-reading parts (section detection, cues, loudness) go through LiveAudioAnalysis: cached,
 * incremental, and on the analysis thread when one is given.
 */
import { inProcessAnalysis, type AudioAnalysisRunner } from '../analysis/audio-analysis-ops.js'
import type { AnalysisPreset } from '../analysis/presets.js'
import { analyzeTimeline, type TimelineInput, type TimelineResult } from '../analysis/timeline.js'
import type { Seconds } from '../analysis/types.js'
import { TypedEmitter } from '../server/typed-emitter.js'
import { LiveAudioAnalysis } from './live-audio-analysis.js'
import type { LiveTimeline } from './live-timeline.js'

/** Events of the analysis runner. */
export type LiveAnalysisEvents = {
  result: [result: TimelineResult]
  failure: [err: Error]
}

/** Options of the analysis runner. */
export type LiveAnalysisOptions = {
  /** Least time between two runs, default 500 ms (at least twice the last run's duration) */
  throttleMs?: number
  preset?: AnalysisPreset
  /** Where section detection and cue measurement run, default this thread */
  runner?: AudioAnalysisRunner
}

const defaults = { throttleMs: 500 }

/** Runs analyzeTimeline on the live timeline when asked, throttled. */
export class LiveAnalysis extends TypedEmitter<LiveAnalysisEvents> {
  private readonly o: LiveAnalysisOptions & typeof defaults
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private again = false
  private lastRun = -Infinity
  private lastDuration = 0
  private closed = false
  /** The latest result (empty until the first run). */
  last: TimelineResult = { spans: [], sections: [], conflicts: [], summary: null }
  /** Conflict threshold and section length of the runs from now on. */
  preset: AnalysisPreset | undefined
  /** Cached, incremental reading of the timeline's audio. */
  readonly audio: LiveAudioAnalysis

  constructor(
    private readonly timeline: LiveTimeline,
    private readonly model: TimelineInput['model'],
    options: LiveAnalysisOptions = {},
  ) {
    super()
    this.o = { ...defaults, ...options }
    this.preset = options.preset
    this.audio = new LiveAudioAnalysis(timeline.audio, options.runner ?? inProcessAnalysis)
  }

  /** Asks for a run soon (throttled). */
  request(): void {
    if (this.closed) return
    if (this.running) {
      this.again = true
      return
    }
    if (this.timer) return
    // a long song makes a run slow: keep it to a third of the main thread at most
    const gap = Math.max(this.o.throttleMs, 2 * this.lastDuration)
    const wait = Math.max(0, this.lastRun + gap - performance.now())
    this.timer = setTimeout(() => {
      this.timer = null
      this.start()
    }, wait)
  }

  /** Runs now (skipping the throttle) and resolves when done; the result is also emitted. */
  async flush(): Promise<TimelineResult> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    while (this.running) await this.running
    this.start()
    await this.running
    return this.last
  }

  close(): void {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.audio.close()
  }

  /** Resolves when no run is in progress or scheduled. */
  async settled(): Promise<void> {
    while (this.running || this.timer) {
      if (this.running) await this.running
      else await new Promise((r) => setTimeout(r, 10))
    }
  }

  private start(): void {
    const began = performance.now()
    this.lastRun = began
    this.again = false
    this.running = this.run().finally(() => {
      this.lastDuration = performance.now() - began
      this.lastRun = performance.now()
      this.running = null
      if (this.again && !this.closed) this.request()
    })
  }

  private async run(): Promise<void> {
    const t = this.timeline
    const rate = t.audio.sampleRate
    const audio = (start: Seconds, end: Seconds): Float32Array | null => {
      const a = Math.max(0, Math.floor(start * rate))
      const b = Math.ceil(end * rate)
      if (b <= a || !t.audio.written.intersects(a, b)) return null
      return t.audio.read(a, b - a)
    }
    try {
      const result = await analyzeTimeline({
        frames: t.frameList(),
        spans: t.spans,
        lyrics: t.lyrics,
        tempo: t.transport.tempo,
        duration: t.duration,
        audio,
        model: this.model,
        preset: this.preset,
        detect: (minSectionSeconds) => this.audio.sections({ minSectionSeconds }),
        cues: (start, end, tempo) => this.audio.cues(start, end, tempo),
        loudnessDb: () => this.audio.loudnessDb(),
      })
      if (this.closed) return
      this.last = result
      this.emit('result', result)
    } catch (err) {
      if (!this.closed) this.emit('failure', err instanceof Error ? err : new Error(String(err)))
    }
  }
}
