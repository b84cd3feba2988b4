/** Section file times: seconds, clock strings, or REAPER's measures.beats (`5.1.00`) given a tempo. */
import type { Seconds } from '../analysis/types.js'
import { parseClock } from '../lyrics/clock-time.js'

export type MusicalTime = {
  /** Tempo for measures.beats times, beats per minute */
  tempo?: number
  /** Beats per bar for measures.beats times, default 4 */
  beatsPerBar?: number
}

const MEASURES = /^(-?\d+)\.(\d+)\.(\d+)$/

/** True for REAPER's measures.beats.fraction notation. */
export const isMeasuresBeats = (s: string): boolean => MEASURES.test(s.trim())

/**
 * Parses a time cell. Measures.beats (`bar.beat.hundredths`, bar and beat from 1) needs a tempo;
 * without one this returns 'needs-tempo'. Anything else unreadable returns null.
 */
export function parseSectionTime(raw: string, musical: MusicalTime = {}): Seconds | null | 'needs-tempo' {
  const s = raw.trim()
  const m = MEASURES.exec(s)
  if (m) {
    if (!musical.tempo) return 'needs-tempo'
    const beatsPerBar = musical.beatsPerBar ?? 4
    const beats = (Number(m[1]) - 1) * beatsPerBar + (Number(m[2]) - 1) + Number(m[3]) / 10 ** m[3]!.length
    return (beats * 60) / musical.tempo
  }
  // hh:mm:ss:ff timecode (30 fps assumed for the frames part)
  const tc = /^(\d+):(\d{2}):(\d{2}):(\d{2})$/.exec(s)
  if (tc) return Number(tc[1]) * 3600 + Number(tc[2]) * 60 + Number(tc[3]) + Number(tc[4]) / 30
  return parseClock(s)
}
