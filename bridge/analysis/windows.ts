/** Where analysis windows fall on the song: one per hop, centred on the reading's time. */
import type { Seconds } from './types.js'

/** One analysis window; audio outside the song counts as silence. */
export type WindowPlan = {
  /** Window centre: where the reading applies. */
  t: Seconds
  start: Seconds
  end: Seconds
}

export type WindowGrid = {
  /** Window length, seconds (the model's, 6 s). */
  window: Seconds
  /** Hop between readings, seconds. */
  hop: Seconds
}

/** Windows centred at 0, hop, 2*hop, ... for every centre inside [from, duration). */
export function planWindows(duration: Seconds, grid: WindowGrid, from: Seconds = 0): WindowPlan[] {
  const { window, hop } = grid
  if (!(hop > 0) || !(window > 0)) throw new RangeError(`window and hop must be > 0 s, got ${window} and ${hop}`)
  if (!(duration >= 0) || !Number.isFinite(duration)) throw new RangeError(`duration must be a finite number >= 0 s, got ${duration}`)
  const out: WindowPlan[] = []
  // centres on the hop grid from song zero, so live and offline analyses place readings alike
  for (let k = Math.max(0, Math.ceil(from / hop - 1e-9)); k * hop < duration - 1e-9; k++) {
    const t = round(k * hop)
    out.push({ t, start: round(t - window / 2), end: round(t + window / 2) })
  }
  return out
}

/** Rounds to the microsecond, so that times like 0.1 * 3 print cleanly. */
export const round = (s: Seconds): Seconds => Math.round(s * 1e6) / 1e6
