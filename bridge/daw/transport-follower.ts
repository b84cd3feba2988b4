/**
 * Follows a DAW's transport from the positions, play states and tempos its OSC reports, tells the
 * bridge only about changes (play, stop, a jump of the play head, a new tempo), and keeps a clock
 * that estimates the song time between reports (for stamping captured audio).
 */
import type { Seconds } from '../analysis/types.js'
import type { BridgeInput, TransportState } from '../server/protocol.js'

/** Wall-clock milliseconds (performance.now() in production, a fake in tests). */
export type WallClock = () => number

export type TransportFollowerOptions = {
  /** A reported position further than this from where playback should be is a seek, default 0.3 s */
  seekTolerance?: Seconds
  /** Wall clock in ms, default performance.now */
  wallClock?: WallClock
}

const defaults = { seekTolerance: 0.3 }

/** Song time the DAW's transport is at, as best known. */
export interface SongClock {
  /** Estimated song time now. */
  now(): Seconds
  /** Whether the DAW is playing. */
  readonly playing: boolean
  /** True once the DAW has reported a position. */
  readonly known: boolean
}

/** Turns DAW transport reports into bridge calls; also a SongClock. */
export class TransportFollower implements SongClock {
  private readonly seekTolerance: Seconds
  private readonly wall: WallClock
  private anchorTime: Seconds = 0
  private anchorWall = 0
  private isPlaying = false
  private hasPosition = false
  private bpm: number | null = null

  constructor(
    private readonly sink: Pick<BridgeInput, 'play' | 'stop' | 'seek' | 'tempo'>,
    options: TransportFollowerOptions = {},
  ) {
    const seekTolerance = options.seekTolerance ?? defaults.seekTolerance
    if (!(seekTolerance > 0)) throw new RangeError(`seekTolerance must be > 0 s, got ${seekTolerance}`)
    this.seekTolerance = seekTolerance
    this.wall = options.wallClock ?? (() => performance.now())
  }

  get playing(): boolean {
    return this.isPlaying
  }

  get known(): boolean {
    return this.hasPosition
  }

  /** Transport as the follower believes it. */
  get state(): TransportState {
    return { playing: this.isPlaying, time: this.now(), tempo: this.bpm }
  }

  now(): Seconds {
    const elapsed = this.isPlaying ? (this.wall() - this.anchorWall) / 1000 : 0
    return this.anchorTime + elapsed
  }

  /** The DAW says its play head is at `time`; a jump from where it should be is a seek. */
  position(time: Seconds): void {
    if (!Number.isFinite(time) || time < 0) throw new RangeError(`song time must be a finite number >= 0 s, got ${time}`)
    const jumped = !this.hasPosition || Math.abs(time - this.now()) > this.seekTolerance
    this.anchorTime = time
    this.anchorWall = this.wall()
    this.hasPosition = true
    if (jumped) this.sink.seek(time)
  }

  /** The DAW says it is playing (true) or stopped (false). */
  setPlaying(on: boolean): void {
    if (on === this.isPlaying) return
    this.anchorTime = this.now()
    this.anchorWall = this.wall()
    this.isPlaying = on
    if (on) this.sink.play()
    else this.sink.stop()
  }

  /** The DAW's tempo in bpm; repeats of the same tempo are not passed on. */
  setTempo(bpm: number): void {
    if (!Number.isFinite(bpm) || bpm <= 0 || bpm > 1000) throw new RangeError(`tempo must be in (0, 1000] bpm, got ${bpm}`)
    if (this.bpm !== null && Math.abs(this.bpm - bpm) < 1e-3) return
    this.bpm = bpm
    this.sink.tempo(bpm)
  }

  /** Last tempo reported, bpm. */
  get tempo(): number | null {
    return this.bpm
  }
}
