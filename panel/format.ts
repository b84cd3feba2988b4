/** Small formatters for what the panel prints. */
import type { Seconds } from '../bridge/analysis/types.js'

/** Song time as m:ss (or m:ss.t when `tenths`); negative times get a minus sign. */
export function formatTime(t: Seconds, tenths = false): string {
  if (!Number.isFinite(t)) return '–:––'
  const sign = t < 0 ? '-' : ''
  const abs = Math.abs(t)
  const whole = tenths ? Math.floor(abs * 10) / 10 : Math.floor(abs)
  const m = Math.floor(whole / 60)
  const s = whole - m * 60
  const sText = tenths ? s.toFixed(1).padStart(4, '0') : String(s).padStart(2, '0')
  return `${sign}${m}:${sText}`
}

/** A signed number with two decimals, e.g. +0.42 / −0.10. */
export function formatSigned(x: number): string {
  if (!Number.isFinite(x)) return '–'
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`
}

/** A probability as a whole percentage. */
export function formatPercent(p: number): string {
  return Number.isFinite(p) ? `${Math.round(p * 100)}%` : '–'
}
