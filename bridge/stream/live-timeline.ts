/**
 * The live song: audio on a 16 kHz song-time grid, lyrics, DAW sections, transport, tempo map and the
 * frames analysed so far, with the window scheduler that says what to (re)compute. Inputs arrive
 * here already checked (see ingest-validate); this class keeps them consistent and reports changes.
 */
import type { Frame, LyricLine, Seconds, SectionSpan, TempoPoint } from '../analysis/types.js'
import { IngestError } from '../server/ingest-error.js'
import type { AudioBlock, TransportState } from '../server/protocol.js'
import { TypedEmitter } from '../server/typed-emitter.js'
import { AudioIngest, type AudioIngestOptions } from './audio-ingest.js'
import { AudioTimeline } from './audio-timeline.js'
import type { Range } from './interval-set.js'
import { withTempoChange } from './tempo-changes.js'
import { WindowScheduler } from './window-scheduler.js'

/** How a lyric or section list changed (for the journal). */
export type ListChange<T> = { add: T } | { clear: true }

/** Events of the live timeline. */
export type LiveTimelineEvents = {
  /** Timeline samples [a, b) were written (to persist). */
  audio: [ranges: Range[]]
  /** Frames with centres in [start, end) were dropped: newer audio replaced their span. */
  invalidate: [start: Seconds, end: Seconds]
  lyrics: [lines: LyricLine[], change: ListChange<LyricLine>]
  spans: [spans: SectionSpan[], change: ListChange<SectionSpan>]
  transport: [state: TransportState]
  /** A tempo message changed the tempo or the tempo map (to journal: replaying `change` rebuilds `changes`). */
  tempo: [changes: readonly TempoPoint[], change: TempoPoint]
  /** Windows may have become due. */
  work: []
}

/** Settings of the live timeline. */
export type LiveTimelineOptions = {
  /** Model sample rate, Hz. */
  sampleRate: number
  /** Analysis window and hop, seconds. */
  window: Seconds
  hop: Seconds
  /** Longest song time kept, seconds. */
  maxDuration: Seconds
  /** Most lyric lines and DAW sections kept. */
  maxLyricLines: number
  maxSections: number
  /** Most tempo changes kept, default 1000. */
  maxTempoChanges?: number
  /** Pending windows at or below which inference counts as keeping up. */
  keepUpPending: number
  /** Samples the model's front end reads before and after a window, default none (see WindowGrid.reach). */
  reach?: readonly [before: number, after: number]
  audioIngest?: AudioIngestOptions
}

/** Two lines or spans are the same slot when they start within 1 ms: the newer replaces the older. */
export const sameStart = (a: { start: number }, b: { start: number }): boolean => Math.abs(a.start - b.start) < 0.001

/** State of the song being written, and what of it still needs analysing. */
export class LiveTimeline extends TypedEmitter<LiveTimelineEvents> {
  readonly options: LiveTimelineOptions
  readonly audio: AudioTimeline
  readonly ingest: AudioIngest
  /** The window grid's scheduler (replaced when the hop changes: see setHop). */
  scheduler: WindowScheduler
  /** Frames by window index (centre = index * hop). */
  readonly frames = new Map<number, Frame>()
  lyrics: LyricLine[] = []
  spans: SectionSpan[] = []
  transport: TransportState = { playing: false, time: 0, tempo: null }
  /** The DAW's tempo changes in time order, each from the song time its message arrived at (see withTempoChange). */
  tempoMap: readonly TempoPoint[] = []
  /** True when windows at the end of the audio may be analysed with silence after them (stopped, idle, restored). */
  flushing = true
  /** performance.now() of the last audio block. */
  lastAudioAt = 0

  constructor(options: LiveTimelineOptions) {
    super()
    this.options = options
    this.audio = new AudioTimeline(options.sampleRate, options.maxDuration)
    this.ingest = new AudioIngest(this.audio, options.audioIngest)
    this.scheduler = this.grid(options.hop)
  }

  private grid(hop: Seconds): WindowScheduler {
    const o = this.options
    return new WindowScheduler({ length: o.window, hop, firstStart: -o.window / 2, sampleRate: o.sampleRate, reach: o.reach }, { keepUpPending: o.keepUpPending })
  }

  /**
   * Moves to another hop (an analysis preset switch). A window is the same 6 s around its centre
   * whatever the hop, so frames whose centre lies on the new grid are kept; the other frames are
   * dropped and the new grid's missing windows over the stored audio become due.
   */
  setHop(hop: Seconds): { kept: number; dropped: number } {
    if (!(hop > 0) || !Number.isFinite(hop)) throw new RangeError(`hop must be a positive number of seconds, got ${hop}`)
    const frames = [...this.frames.values()]
    this.options.hop = hop
    this.scheduler = this.grid(hop)
    this.frames.clear()
    // touchedAt 0: recomputations are not latencies
    for (const range of this.audio.written.toArray()) this.scheduler.touch(range, 0)
    let kept = 0
    for (const f of frames) {
      const k = this.indexOf(f.t)
      if (k === null) continue
      this.frames.set(k, f)
      this.scheduler.markDone(k)
      kept++
    }
    this.emit('work')
    return { kept, dropped: frames.length - kept }
  }

  /** Window centre of index k. */
  centreOf(k: number): Seconds {
    return Math.round(k * this.options.hop * 1e6) / 1e6
  }

  /** Index of the window centred at t, or null when t is off the grid. */
  indexOf(t: Seconds): number | null {
    const k = Math.round(t / this.options.hop)
    return Math.abs(k * this.options.hop - t) < 1e-6 && k >= 0 ? k : null
  }

  /** Frames in time order. */
  frameList(): Frame[] {
    return [...this.frames.entries()].sort((a, b) => a[0] - b[0]).map(([, f]) => f)
  }

  /** Audio known so far, seconds. */
  get duration(): Seconds {
    return this.audio.duration
  }

  /** Places a checked audio block; throws IngestError when the block conflicts with this pass. */
  addAudio(block: AudioBlock, now: number): void {
    const ranges = this.ingest.accept(block)
    this.lastAudioAt = now
    this.flushing = false
    const end = block.time + block.samples.length / block.channels / block.sampleRate
    const expected = this.transport.time
    this.transport.time = end
    if (!this.transport.playing || Math.abs(block.time - expected) > 0.25) {
      // audio without a play message, or the DAW jumped: tell the panel where the play head is
      this.transport.playing = true
      this.emit('transport', { ...this.transport, time: block.time })
    }
    this.written(ranges, now)
  }

  /** Transport play: a new pass begins (its audio may replace older audio). */
  play(now: number): void {
    this.written(this.ingest.startPass(), now)
    this.transport.playing = true
    this.emit('transport', { ...this.transport })
  }

  /** Transport stop: the run ends, windows at the end become due. */
  stop(now: number): void {
    this.written(this.ingest.endRun(), now)
    this.transport.playing = false
    this.flushing = true
    this.emit('transport', { ...this.transport })
    this.emit('work')
  }

  /** Transport seek. */
  seek(time: Seconds, now: number): void {
    this.written(this.ingest.startPass(), now)
    this.transport.time = time
    this.flushing = true // the audio before the jump is complete as it is
    this.emit('transport', { ...this.transport })
    this.emit('work')
  }

  /** No audio for a while: treat the run as ended so its last windows get analysed. */
  idle(now: number): void {
    if (this.flushing) return
    this.written(this.ingest.endRun(), now)
    this.flushing = true
    this.emit('work')
  }

  /** A checked tempo from the DAW: the transport's tempo, and a change of the tempo map from the play head's time on. */
  setTempo(bpm: number): void {
    const change = { time: this.transport.time, bpm }
    const map = withTempoChange(this.tempoMap, change)
    const max = this.options.maxTempoChanges ?? 1000
    if (map.length > this.tempoMap.length && map.length > max) {
      throw new IngestError('tempo-too-many', `the timeline holds ${this.tempoMap.length} tempo changes, the limit (option maxTempoChanges); refused ${bpm} bpm at ${change.time.toFixed(3)} s`)
    }
    const changed = map !== this.tempoMap || this.transport.tempo !== bpm
    this.tempoMap = map
    this.transport.tempo = bpm
    if (changed) this.emit('tempo', map, change)
    this.emit('transport', { ...this.transport })
  }

  /** Adds (or replaces, same start) a checked lyric line; windows that sing it are recomputed. */
  addLyric(line: LyricLine, now: number): void {
    const i = this.lyrics.findIndex((l) => sameStart(l, line))
    const old = i >= 0 ? this.lyrics[i]! : null
    if (!old && this.lyrics.length >= this.options.maxLyricLines) {
      throw new IngestError('lyrics-too-many', `the timeline holds ${this.lyrics.length} lyric lines, the limit (option maxLyricLines); clear lyrics first`)
    }
    if (old) this.lyrics.splice(i, 1)
    this.lyrics.push(line)
    this.lyrics.sort((a, b) => a.start - b.start)
    this.textChanged(Math.min(line.start, old?.start ?? Infinity), Math.max(line.end, old?.end ?? -Infinity), now)
    this.emit('lyrics', [...this.lyrics], { add: line })
  }

  clearLyrics(now: number): void {
    if (this.lyrics.length) this.textChanged(this.lyrics[0]!.start, Math.max(...this.lyrics.map((l) => l.end)), now)
    this.lyrics = []
    this.emit('lyrics', [], { clear: true })
  }

  /** Adds (or replaces, same start) a checked DAW section. */
  addSpan(span: SectionSpan, now: number): void {
    const i = this.spans.findIndex((s) => sameStart(s, span))
    const old = i >= 0 ? this.spans[i]! : null
    if (!old && this.spans.length >= this.options.maxSections) {
      throw new IngestError('section-too-many', `the timeline holds ${this.spans.length} sections, the limit (option maxSections); clear sections first`)
    }
    if (old) this.spans.splice(i, 1)
    this.spans.push(span)
    this.spans.sort((a, b) => a.start - b.start)
    this.textChanged(Math.min(span.start, old?.start ?? Infinity), Math.max(span.end, old?.end ?? -Infinity), now)
    this.emit('spans', [...this.spans], { add: span })
  }

  clearSpans(now: number): void {
    if (this.spans.length) this.textChanged(this.spans[0]!.start, Math.max(...this.spans.map((s) => s.end)), now)
    this.spans = []
    this.emit('spans', [], { clear: true })
  }

  /** Stores analysed frames by window index (the caller checked they are current). */
  putFrames(entries: [k: number, frame: Frame][]): void {
    for (const [k, f] of entries) this.frames.set(k, f)
  }

  /** Loads a persisted timeline: audio, lyrics, spans, tempo and the frames already analysed. */
  restore(state: { frames: Frame[]; lyrics: LyricLine[]; sections: SectionSpan[]; tempo: number | null; tempoMap?: TempoPoint[]; audio: Range[] }, readAudio: (a: number, b: number) => Float32Array): void {
    this.lyrics = [...state.lyrics]
    this.spans = [...state.sections]
    this.transport.tempo = state.tempo
    this.tempoMap = [...(state.tempoMap ?? [])]
    for (const [a, b] of state.audio) {
      const range = this.audio.write(a, readAudio(a, b))
      if (range) this.scheduler.touch(range, 0)
    }
    for (const f of state.frames) {
      const k = this.indexOf(f.t)
      if (k === null) continue
      this.frames.set(k, f)
      this.scheduler.markDone(k)
    }
    this.flushing = true
  }

  /** Forgets everything (project switch). */
  clear(): void {
    this.audio.clear()
    this.ingest.reset()
    this.scheduler.clear()
    this.frames.clear()
    this.lyrics = []
    this.spans = []
    this.transport = { playing: false, time: 0, tempo: null }
    this.tempoMap = []
    this.flushing = true
  }

  /** Windows whose lyric context may have changed with text (or sections) in [start, end) are recomputed. */
  textChanged(start: Seconds, end: Seconds, now: number): void {
    let a = start
    let b = end
    // the context also takes in the lines of the section around a window's centre
    for (const s of this.spans) {
      if (s.start < end && s.end > start) {
        a = Math.min(a, s.start)
        b = Math.max(b, s.end)
      }
    }
    const rate = this.options.sampleRate
    this.scheduler.touch([Math.floor(a * rate), Math.ceil(b * rate)], now)
    this.emit('work')
  }

  private written(ranges: Range[], now: number): void {
    if (ranges.length === 0) return
    const dropped: number[] = []
    for (const r of ranges) {
      const [first, last] = this.scheduler.windowsTouching(r[0], r[1])
      for (let k = first; k <= last; k++) if (this.frames.delete(k)) dropped.push(k)
      this.scheduler.touch(r, now)
    }
    if (dropped.length) {
      const first = Math.min(...dropped)
      const last = Math.max(...dropped)
      this.emit('invalidate', this.centreOf(first), this.centreOf(last) + this.options.hop / 2)
    }
    this.emit('audio', ranges)
    this.emit('work')
  }
}
