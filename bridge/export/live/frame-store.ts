/** The frames a live writer has seen, in time order, for looking up the reading at the play head. */
import type { Frame, Seconds } from '../../analysis/types.js'

/** Frames sorted by time; a frame at the time of an older one replaces it (a re-analysed window). */
export class FrameStore {
  private frames: Frame[] = []

  constructor(
    /** Most frames kept; the oldest go first (200,000 frames is 27 hours at a 0.5 s hop) */
    private readonly maxFrames = 200_000,
  ) {}

  /** Frames held. */
  get size(): number {
    return this.frames.length
  }

  /** Index of the last frame at or before t, or -1. */
  private indexAtOrBefore(t: Seconds): number {
    let lo = 0
    let hi = this.frames.length - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (this.frames[mid]!.t <= t) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return found
  }

  /** Adds frames (any order); frames without a finite time are ignored. */
  add(frames: Frame[]): void {
    for (const f of frames) {
      if (!f || typeof f.t !== 'number' || !Number.isFinite(f.t)) continue
      const last = this.frames[this.frames.length - 1]
      if (!last || f.t > last.t) {
        this.frames.push(f)
        continue
      }
      const i = this.indexAtOrBefore(f.t)
      if (i >= 0 && Math.abs(this.frames[i]!.t - f.t) < 1e-6) this.frames[i] = f
      else this.frames.splice(i + 1, 0, f)
    }
    if (this.frames.length > this.maxFrames) this.frames.splice(0, this.frames.length - this.maxFrames)
  }

  /** Drops frames with start <= t < end (the bridge re-analyses that span). */
  invalidate(start: Seconds, end: Seconds): void {
    this.frames = this.frames.filter((f) => f.t < start || f.t >= end)
  }

  /** The newest frame at or before t (the reading the play head has reached), or null. */
  at(t: Seconds): Frame | null {
    const i = this.indexAtOrBefore(t)
    return i < 0 ? null : this.frames[i]!
  }
}
