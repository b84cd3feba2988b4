/**
 * Per-hop latency of the live bridge, as a DAW would see it: from the audio that lets a window be
 * analysed to that window's frame on the /ws feed. Two clocks start per window end E:
 * - `complete`: when the window became computable: the first block after the one ending at E (the
 *   bridge's resampler needs a few samples past E), or the seek/stop that closed the pass at E;
 * - `lastSample`: when the block carrying the window's last sample (ending at E) went out; this
 *   adds one block's wait to `complete`.
 * A model whose audio encoder hears `lookahead` seconds past a window (manifest `encoder_context`)
 * makes the window computable only with the block ending at E + lookahead: both clocks start there.
 * A frame that no block is waiting for (a lyric edit's recomputation, a flush at the end, which with a
 * lookahead includes the windows of the pass's last `lookahead` seconds) is counted as `unmatched`, not timed.
 */
import type { Seconds } from '../bridge/analysis/types.js'

/** ms */
export type Millis = number

/** One timed hop. */
export type HopSample = { at: number; complete: Millis; lastSample: Millis }

type Entry = { segment: number; lastSample: number; complete: number | null; answered: boolean }

/** Matches blocks sent and frames received. */
export class HopLatency {
  readonly samples: HopSample[] = []
  unmatched = 0
  /** Window ends of the unmatched frames (the first 100). */
  readonly unmatchedEnds: number[] = []
  private readonly entries = new Map<number, Entry>()
  private segment = -1
  private prevEnd: Seconds | null = null

  /** Windows end at `firstEnd` + k * `hop` (3 s and 0.5 s for 6 s windows centred on the 0.5 s grid). */
  constructor(
    private readonly hop: Seconds,
    private readonly firstEnd: Seconds,
    private readonly lookahead: Seconds = 0,
  ) {
    if (!(hop > 0)) throw new RangeError(`hop must be > 0 s, got ${hop}`)
    if (!(lookahead >= 0)) throw new RangeError(`lookahead must be >= 0 s, got ${lookahead}`)
  }

  /** A block ending at song time `end` went out at `at` (ms), in pass `segment`. */
  block(end: Seconds, at: number, segment: number): void {
    if (segment !== this.segment) {
      this.segment = segment
      this.prevEnd = null
    }
    if (this.prevEnd !== null) this.completed(this.prevEnd - this.lookahead, at)
    // the window this block lets the bridge analyse ends `lookahead` before the block
    const windowEnd = end - this.lookahead
    if (this.onGrid(windowEnd)) this.entries.set(this.key(windowEnd), { segment, lastSample: at, complete: null, answered: false })
    this.prevEnd = end
  }

  /** The pass ended (seek or stop) at `at`, its last block ending at `end`. */
  segmentEnd(end: Seconds, at: number): void {
    if (this.prevEnd !== null && Math.abs(this.prevEnd - end) < 1e-6) this.completed(end - this.lookahead, at)
    this.prevEnd = null
    this.segment = -1
  }

  /** A frame for the window ending at `end` arrived at `at`; returns the timed sample, or null when unmatched. */
  frame(end: Seconds, at: number): HopSample | null {
    const e = this.entries.get(this.key(end))
    if (!e || e.answered) {
      this.unmatched++
      this.unmatchedEnds.push(end)
      return null
    }
    e.answered = true
    // a frame before the next block: the bridge had all it needed with the block ending at E
    const s: HopSample = { at, complete: at - (e.complete ?? e.lastSample), lastSample: at - e.lastSample }
    this.samples.push(s)
    return s
  }

  /** Windows whose audio went out but whose frame has not arrived. */
  get waiting(): number {
    let n = 0
    for (const e of this.entries.values()) if (!e.answered) n++
    return n
  }

  /** Song times (window ends) still waiting for a frame. */
  waitingEnds(): number[] {
    return [...this.entries.entries()].filter(([, e]) => !e.answered).map(([k]) => k / 1000)
  }

  private completed(end: Seconds, at: number): void {
    if (!this.onGrid(end)) return
    const e = this.entries.get(this.key(end))
    if (e && e.segment === this.segment && !e.answered && e.complete === null) e.complete = at
  }

  private onGrid(t: Seconds): boolean {
    if (t < this.firstEnd - 1e-9) return false
    const r = (t - this.firstEnd) / this.hop
    return Math.abs(r - Math.round(r)) < 1e-6
  }

  private key(t: Seconds): number {
    return Math.round(t * 1000)
  }
}
