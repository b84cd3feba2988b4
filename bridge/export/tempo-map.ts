/** Seconds to beats and MIDI ticks on a tempo map (constant tempo segments). */
import type { Seconds } from '../analysis/types.js'

/** Tempo when an analysis knows none: 120 bpm, so one beat is half a second. */
export const FALLBACK_BPM = 120

/** A tempo change: from `beat` on, `bpm` quarter notes per minute. */
export type TempoChange = { beat: number; bpm: number }

/** A piecewise-constant tempo map, with conversions both ways. */
export class TempoMap {
  /** Changes in beat order with the seconds at which each starts. */
  private readonly segments: { beat: number; bpm: number; seconds: Seconds }[]

  constructor(changes: TempoChange[]) {
    if (changes.length === 0 || changes[0]!.beat !== 0) throw new RangeError(`a tempo map must start with a change at beat 0, got ${JSON.stringify(changes[0] ?? null)}`)
    this.segments = []
    let seconds = 0
    changes.forEach((c, i) => {
      if (!Number.isFinite(c.bpm) || c.bpm < 1 || c.bpm > 1000) throw new RangeError(`tempo must be in [1, 1000] bpm, got ${c.bpm}`)
      const prev = this.segments[i - 1]
      if (prev) {
        if (!(c.beat > prev.beat)) throw new RangeError(`tempo changes must be in increasing beat order, got beat ${c.beat} after ${prev.beat}`)
        seconds += ((c.beat - prev.beat) * 60) / prev.bpm
      }
      this.segments.push({ beat: c.beat, bpm: c.bpm, seconds })
    })
  }

  /** A constant tempo; null or a bad value falls back to 120 bpm (seconds map 1:2 onto beats). */
  static constant(bpm: number | null | undefined): TempoMap {
    const ok = typeof bpm === 'number' && Number.isFinite(bpm) && bpm >= 1 && bpm <= 1000
    return new TempoMap([{ beat: 0, bpm: ok ? bpm : FALLBACK_BPM }])
  }

  /**
   * A map from tempo changes at song times, in increasing time order (an analysis's `tempoMap`); the
   * first change holds from 0 whatever its time, as the tempo before it is not known.
   */
  static fromTimes(points: readonly { time: Seconds; bpm: number }[]): TempoMap {
    if (points.length === 0) throw new RangeError('a tempo map needs at least one tempo, got none')
    const changes: TempoChange[] = [{ beat: 0, bpm: points[0]!.bpm }]
    let from: Seconds = 0
    for (let i = 1; i < points.length; i++) {
      const p = points[i]!
      if (!Number.isFinite(p.time) || !(p.time > points[i - 1]!.time)) throw new RangeError(`tempo changes must be at increasing song times, got ${p.time} s after ${points[i - 1]!.time} s`)
      const prev = changes[i - 1]!
      changes.push({ beat: prev.beat + ((p.time - from) * prev.bpm) / 60, bpm: p.bpm })
      from = p.time
    }
    return new TempoMap(changes)
  }

  /** The tempo changes, for writers that put them into a file. */
  get changes(): { beat: number; bpm: number; seconds: Seconds }[] {
    return this.segments.map((s) => ({ ...s }))
  }

  /** Quarter-note beats at a song time in seconds. */
  secondsToBeats(t: Seconds): number {
    let seg = this.segments[0]!
    for (const s of this.segments) if (s.seconds <= t) seg = s
    return seg.beat + ((t - seg.seconds) * seg.bpm) / 60
  }

  /** Song time in seconds at a beat position. */
  beatsToSeconds(beat: number): Seconds {
    let seg = this.segments[0]!
    for (const s of this.segments) if (s.beat <= beat) seg = s
    return seg.seconds + ((beat - seg.beat) * 60) / seg.bpm
  }

  /** MIDI ticks (rounded) at a song time, for a file with `ppq` ticks per quarter note. */
  secondsToTicks(t: Seconds, ppq: number): number {
    return Math.round(this.secondsToBeats(t) * ppq)
  }
}
