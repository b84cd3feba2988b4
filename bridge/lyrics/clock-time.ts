/** Clock strings used by lyric and section files: `ss.xx`, `mm:ss.xx`, `hh:mm:ss,ttt`, `mm:ss:xx`. */
import type { Seconds } from '../analysis/types.js'

const CLOCK = /^(?:(\d+):)?(\d+):(\d{1,2})(?:[.,:](\d{1,3}))?$/
const PLAIN = /^\d+(?:\.\d+)?$/

/**
 * Parses `[h:]m:ss[.fff]` (the fraction may follow '.', ',' or ':') or bare seconds; null when
 * the string is not a clock time. Two-digit fractions are hundredths, three are milliseconds.
 * With `colonFraction` (LRC), `mm:ss:xx` means hundredths, not hours.
 */
export function parseClock(raw: string, opts: { colonFraction?: boolean } = {}): Seconds | null {
  const s = raw.trim()
  if (PLAIN.test(s)) return Number(s)
  // LRC writes hundredths after a third colon: mm:ss:xx.
  const lrc = opts.colonFraction ? /^(\d+):(\d{1,2}):(\d{2})$/.exec(s) : null
  if (lrc) return Number(lrc[1]) * 60 + Number(lrc[2]) + Number(lrc[3]) / 100
  const m = CLOCK.exec(s)
  if (!m) return null
  const [, h, mm, ss, frac] = m
  const secs = Number(ss)
  if (h !== undefined && secs >= 60) return null
  if (h !== undefined && Number(mm) >= 60) return null
  const fraction = frac === undefined ? 0 : Number(frac) / 10 ** frac.length
  return Number(h ?? 0) * 3600 + Number(mm) * 60 + secs + fraction
}
