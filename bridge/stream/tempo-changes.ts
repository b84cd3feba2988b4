/**
 * The DAW's tempo over song time: each tempo message becomes a change from the play head's time.
 * Shared by the live timeline and the project journal's replay, so both build the same map.
 */
import type { Seconds, TempoPoint } from '../analysis/types.js'

/** Two changes less than 1 ms apart are at the same time: the newer replaces the older. */
const SAME_TEMPO_TIME: Seconds = 0.001
/** Tempos closer than this (bpm) are the same, so a DAW's float noise adds no changes. */
const SAME_BPM = 1e-3

const sameBpm = (a: number, b: number): boolean => Math.abs(a - b) < SAME_BPM

/** The tempo in effect at song time t (the first change also holds before its time); null for no changes. */
export function tempoAt(changes: readonly TempoPoint[], t: Seconds): number | null {
  let bpm = changes[0]?.bpm ?? null
  for (const c of changes) if (c.time <= t) bpm = c.bpm
  return bpm
}

/**
 * The changes (in time order) with `change` applied: one at the same time is replaced, a tempo equal to
 * the one already in effect at that time adds nothing, and a change left equal to the one before it is
 * dropped. Returns `changes` itself when nothing changed.
 */
export function withTempoChange(changes: readonly TempoPoint[], change: TempoPoint): readonly TempoPoint[] {
  const i = changes.findIndex((c) => Math.abs(c.time - change.time) < SAME_TEMPO_TIME)
  if (i >= 0 ? sameBpm(changes[i]!.bpm, change.bpm) : sameBpm(tempoAt(changes, change.time) ?? Number.NaN, change.bpm)) return changes
  const next = changes.filter((_, j) => j !== i).concat({ time: change.time, bpm: change.bpm })
  next.sort((a, b) => a.time - b.time)
  return next.filter((c, j) => j === 0 || !sameBpm(c.bpm, next[j - 1]!.bpm))
}
