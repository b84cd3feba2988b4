/**
 * Decides which analysis windows to (re)compute as audio lands on the timeline. A window is due
 * once its audio is complete and the write head has left it (or at a flush: stop, idle, end of
 * stream). Due windows are handed out newest first, so the live curve stays current when inference
 * falls behind; older ones follow as it catches up. A window written again before its result came
 * back is recomputed, and the stale result is dropped (counted as coalesced).
 */
import type { Seconds } from '../analysis/types.js'
import type { IntervalSet, Range } from './interval-set.js'

/** The window grid: window k spans [firstStart + k * hop, ... + length). */
export type WindowGrid = {
  /** Window length, seconds. */
  length: Seconds
  /** Hop between window starts, seconds. */
  hop: Seconds
  /** Start of window 0, seconds (negative: the first windows reach before the song). */
  firstStart: Seconds
  /** Timeline sample rate, Hz. */
  sampleRate: number
  /**
   * Samples the front end reads before a window's start and after its end (its first and last
   * STFT frames reach past the window: 131 and 131 for the studio model), default 0 and 0. A write
   * there changes the window's log-mel, so the window is recomputed; and it is due only once they are in.
   */
  reach?: readonly [before: number, after: number]
}

/** A window handed out for inference. */
export type WindowJob = {
  index: number
  start: Seconds
  end: Seconds
  /** First sample (may be negative) and sample count on the timeline. */
  firstSample: number
  samples: number
  /** Version of the window's audio this job reads; a result for an older version is stale. */
  version: number
  /** performance.now() of the last write into the window. */
  touchedAt: number
}

type WindowState = { version: number; touchedAt: number; done: boolean }

/** Options for the scheduler. */
export type WindowSchedulerOptions = {
  /** Pending windows at or below which inference counts as keeping up, default 8 */
  keepUpPending?: number
}

const defaults = { keepUpPending: 8 }

/** Tracks window versions and hands out due windows. */
export class WindowScheduler {
  readonly grid: WindowGrid
  private readonly o: typeof defaults
  private readonly states = new Map<number, WindowState>()
  /** Windows whose current version has no frame yet. */
  private readonly dirty = new Set<number>()
  private readonly inflight = new Map<number, number>() // index -> version
  private version = 0
  private coalescedCount = 0
  private readonly reach: readonly [before: number, after: number]

  constructor(grid: WindowGrid, options: WindowSchedulerOptions = {}) {
    if (!(grid.length > 0) || !(grid.hop > 0)) throw new RangeError(`window length and hop must be > 0 s, got ${grid.length}, ${grid.hop}`)
    this.grid = grid
    this.reach = grid.reach ?? [0, 0]
    if (!this.reach.every((r) => Number.isInteger(r) && r >= 0)) throw new RangeError(`reach must be two whole sample counts >= 0, got ${this.reach.join(', ')}`)
    this.o = { ...defaults, ...options }
  }

  /** Windows whose span, with the front end's reach, intersects samples [a, b). */
  windowsTouching(a: number, b: number): [first: number, last: number] {
    const { firstStart, hop, length, sampleRate } = this.grid
    const [before, after] = this.reach
    const t0 = (a - after) / sampleRate
    const t1 = (b + before) / sampleRate
    // start_k < t1 and start_k + length > t0
    const last = Math.ceil((t1 - firstStart) / hop) - 1
    const first = Math.max(0, Math.floor((t0 - length - firstStart) / hop) + 1)
    return [first, last]
  }

  /** Span of window k in samples. */
  span(k: number): Range {
    const { firstStart, hop, length, sampleRate } = this.grid
    const a = Math.round((firstStart + k * hop) * sampleRate)
    return [a, a + Math.round(length * sampleRate)]
  }

  /** Audio was written to samples [a, b): windows there need (re)computing. Returns windows whose frames became stale. */
  touch(range: Range, now: number): number[] {
    const [first, last] = this.windowsTouching(range[0], range[1])
    const stale: number[] = []
    for (let k = first; k <= last; k++) {
      const s = this.states.get(k)
      this.version++
      if (s) {
        if (s.done) stale.push(k)
        s.version = this.version
        s.touchedAt = now
        s.done = false
      } else {
        this.states.set(k, { version: this.version, touchedAt: now, done: false })
      }
      if (this.inflight.has(k)) this.coalescedCount++
      this.dirty.add(k)
    }
    return stale
  }

  /** Marks window k's current audio as analysed (a frame restored from disk, say). */
  markDone(k: number): void {
    const s = this.states.get(k)
    if (s) s.done = true
    else this.states.set(k, { version: 0, touchedAt: 0, done: true })
    this.dirty.delete(k)
  }

  /** Centre of window k in samples. */
  centre(k: number): number {
    const [a, b] = this.span(k)
    return (a + b) >> 1
  }

  /** Windows due now: complete and not under the write head (all that hold any audio, when flushing). */
  due(written: IntervalSet, head: Seconds | null, flushing: boolean): number[] {
    const out: number[] = []
    const headSample = head === null ? null : head * this.grid.sampleRate
    for (const k of this.dirty) {
      if (this.inflight.has(k)) continue
      const [a, b] = this.span(k)
      if (flushing) {
        // stopped or idle: every window whose centre has audio, silence filling the rest
        const c = (a + b) >> 1
        if (c < 0 || !written.intersects(c, c + 1)) continue
      } else {
        const [before, after] = this.reach
        if (!written.covers(Math.max(0, a - before), b + after)) continue
        if (headSample !== null && headSample > a - before && headSample < b + after) continue
      }
      out.push(k)
    }
    // newest first: latest write, then latest in song time
    out.sort((x, y) => this.states.get(y)!.version - this.states.get(x)!.version || y - x)
    return out
  }

  /** Takes up to `n` due windows for inference. */
  take(written: IntervalSet, head: Seconds | null, flushing: boolean, n: number): WindowJob[] {
    const due = this.due(written, head, flushing)
    const jobs = due.slice(0, n).map((k) => {
      const s = this.states.get(k)!
      const [a, b] = this.span(k)
      this.inflight.set(k, s.version)
      return {
        index: k,
        start: this.grid.firstStart + k * this.grid.hop,
        end: this.grid.firstStart + k * this.grid.hop + this.grid.length,
        firstSample: a,
        samples: b - a,
        version: s.version,
        touchedAt: s.touchedAt,
      }
    })
    return jobs
  }

  /** Inference for a job finished (or failed: ok false); true when its result is current and should be kept. */
  finish(job: WindowJob, ok: boolean): boolean {
    if (this.inflight.get(job.index) === job.version) this.inflight.delete(job.index)
    const s = this.states.get(job.index)
    if (!s || s.version !== job.version) return false // written again meanwhile: a newer job follows
    if (!ok) return false
    s.done = true
    this.dirty.delete(job.index)
    return true
  }

  /** Window indices waiting for inference (due or not yet complete). */
  get waiting(): number {
    return this.dirty.size
  }

  /** Windows due now but not yet running. */
  pending(written: IntervalSet, head: Seconds | null, flushing: boolean): number {
    return this.due(written, head, flushing).length
  }

  /** Results dropped because newer audio superseded the window while it ran. */
  get coalesced(): number {
    return this.coalescedCount
  }

  /** True while the due backlog stays small. */
  keepingUp(pending: number): boolean {
    return pending <= this.o.keepUpPending
  }

  /** Windows currently running. */
  get running(): number {
    return this.inflight.size
  }

  /** Forgets every window (a cleared timeline). */
  clear(): void {
    this.states.clear()
    this.dirty.clear()
    this.inflight.clear()
  }
}
