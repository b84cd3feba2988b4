/**
 * Turns arriving PCM blocks into timeline audio. Contiguous blocks form a run (one resampler
 * state, so block edges leave no clicks); a seek, a play or a jump back of more than `loopJump`
 * starts a new pass whose audio replaces older audio for the same span (loops, re-recorded takes,
 * a restarted DAW). Within one pass audio must move forward: a block overlapping what this pass
 * already delivered (a duplicate or a reordered datagram) is refused.
 */
import type { Seconds } from '../analysis/types.js'
import type { AudioBlock } from '../server/protocol.js'
import { IngestError } from '../server/ingest-error.js'
import type { AudioTimeline } from './audio-timeline.js'
import { IntervalSet, type Range } from './interval-set.js'
import { StreamingResampler, downmix, type ResamplerOptions } from './resampler.js'

/** Options for AudioIngest. */
export type AudioIngestOptions = {
  /** a block starting within this of the previous block's end continues it, default 0.002 s (float32 song times at an hour are ~0.25 ms apart) */
  continuityTolerance?: Seconds
  /** a jump back by more than this starts a new pass (a loop), default 1 s */
  loopJump?: Seconds
  resampler?: ResamplerOptions
}

const defaults = { continuityTolerance: 0.002, loopJump: 1 }

type Run = { resampler: StreamingResampler; channels: number; sampleRate: number; lastBlockStart: Seconds }

/** Resamples, places and checks audio blocks; reports the timeline ranges each call wrote. */
export class AudioIngest {
  private readonly o: Required<Omit<AudioIngestOptions, 'resampler'>> & { resampler?: ResamplerOptions }
  private run: Run | null = null
  /** Output samples this pass has written. */
  private pass = new IntervalSet()
  private passes = 0

  constructor(
    private readonly timeline: AudioTimeline,
    options: AudioIngestOptions = {},
  ) {
    this.o = { ...defaults, ...options }
  }

  /** Song time where the open run's next block is expected; null when no run is open. */
  get head(): Seconds | null {
    return this.run ? this.run.resampler.endTime : null
  }

  /** Passes started so far (seeks, plays, loops). */
  get passCount(): number {
    return this.passes
  }

  /** Places one validated block; returns the ranges written; throws IngestError when refused. */
  accept(block: AudioBlock): Range[] {
    const frames = block.samples.length / block.channels
    const duration = frames / block.sampleRate
    const end = block.time + duration
    const rate = this.timeline.sampleRate
    const maxTime = this.timeline.maxSamples / rate
    if (end <= 0) throw new IngestError('audio-bad-time', `audio block at ${block.time} s ends before song time 0 (expected time >= 0)`)
    if (block.time >= maxTime) {
      throw new IngestError('audio-too-long', `audio block at ${block.time.toFixed(3)} s is past the timeline's limit of ${maxTime} s (option maxDuration)`)
    }
    const changes: Range[] = []
    const run = this.run
    const tol = this.o.continuityTolerance
    if (run && run.sampleRate === block.sampleRate && run.channels === block.channels && Math.abs(block.time - run.resampler.endTime) <= tol) {
      run.lastBlockStart = block.time
      this.write(run.resampler.push(downmix(block.samples, block.channels)), changes)
      return changes
    }
    if (run && block.time < run.resampler.endTime - tol && block.time > run.resampler.endTime - this.o.loopJump) {
      // a small step back within the same pass: only a block filling a hole is welcome
      // the block's interior only: its edge samples may round onto a neighbour's
      const a = Math.round(block.time * rate) + 1
      const b = Math.round(end * rate) - 1
      if (this.pass.intersects(a, b)) {
        if (block.time < run.lastBlockStart - tol) {
          throw new IngestError('audio-out-of-order', `audio block at ${block.time.toFixed(4)} s arrived after the block at ${run.lastBlockStart.toFixed(4)} s; blocks of one pass must arrive in song-time order (seek first to replace audio)`)
        }
        throw new IngestError('audio-overlap', `audio block [${block.time.toFixed(4)}, ${end.toFixed(4)}) s overlaps audio this pass already delivered up to ${run.resampler.endTime.toFixed(4)} s (a duplicate block? seek first to replace audio)`)
      }
      const filler = new StreamingResampler(block.sampleRate, rate, block.time, this.o.resampler)
      this.write(filler.push(downmix(block.samples, block.channels)), changes)
      this.write(filler.flush(), changes)
      return changes
    }
    if (run && block.time <= run.resampler.endTime - this.o.loopJump) {
      // jumped back without a seek: a loop or a restarted DAW; the new audio replaces the old
      this.newPass(changes)
    } else {
      this.closeRun(changes)
    }
    const next: Run = {
      resampler: new StreamingResampler(block.sampleRate, rate, this.alignedStart(block.time), this.o.resampler),
      channels: block.channels,
      sampleRate: block.sampleRate,
      lastBlockStart: block.time,
    }
    this.run = next
    this.write(next.resampler.push(downmix(block.samples, block.channels)), changes)
    return changes
  }

  /** Ends the open run (transport stop, end of stream): writes its tail. */
  endRun(): Range[] {
    const changes: Range[] = []
    this.closeRun(changes)
    return changes
  }

  /** Seek or play: ends the run and starts a pass whose audio may replace older audio. */
  startPass(): Range[] {
    const changes: Range[] = []
    this.newPass(changes)
    return changes
  }

  /** Forgets run and pass state (the timeline itself is untouched). */
  reset(): void {
    this.run = null
    this.pass.clear()
  }

  /**
   * Where a new run starts: at `time`, or exactly where audio already on the timeline ends when that
   * is within the continuity tolerance (a DAW playing on from where it stopped sends a float32 time a
   * hair off the sample grid, which would leave a one-sample hole that keeps the windows over it from
   * ever being complete while it plays).
   */
  private alignedStart(time: Seconds): Seconds {
    const rate = this.timeline.sampleRate
    const k = time * rate
    const tol = this.o.continuityTolerance * rate
    for (const [, b] of this.timeline.written.slice(k - tol - 1, k + tol + 1)) {
      if (Math.abs(b - k) <= tol) return b / rate
    }
    return time
  }

  private newPass(changes: Range[]): void {
    this.closeRun(changes)
    this.pass.clear()
    this.passes++
  }

  private closeRun(changes: Range[]): void {
    if (!this.run) return
    this.write(this.run.resampler.flush(), changes)
    this.run = null
  }

  private write(block: { start: number; samples: Float32Array }, changes: Range[]): void {
    if (block.samples.length === 0) return
    const range = this.timeline.write(block.start, block.samples)
    if (!range) return
    this.pass.add(range[0], range[1])
    const last = changes[changes.length - 1]
    if (last && last[1] === range[0]) last[1] = range[1]
    else changes.push(range)
  }
}
