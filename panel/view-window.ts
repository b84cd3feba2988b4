/** The visible stretch of song time and the pure maths of zooming, panning and following the play head. */
import type { Seconds } from '../bridge/analysis/types.js'

/** The stretch of song time the timeline shows: [start, start + span). */
export type ViewWindow = { start: Seconds; span: Seconds }

/** Zoom limits and the follow position. */
export const VIEW_LIMITS = {
  /** Narrowest view, seconds. */
  minSpan: 2,
  /** Widest view, seconds (an hour). */
  maxSpan: 3600,
  /** Where the play head sits while following, as a fraction of the width from the left. */
  followAt: 0.25,
  /** View a fresh panel starts with, seconds. */
  initialSpan: 30,
}

const clampSpan = (span: Seconds): Seconds => Math.min(VIEW_LIMITS.maxSpan, Math.max(VIEW_LIMITS.minSpan, span))

/** Keeps the span in limits and the start inside [0, limit - span / 2] so some song stays in view. */
export function clampView(view: ViewWindow, limit: Seconds): ViewWindow {
  const span = clampSpan(view.span)
  const maxStart = Math.max(0, limit - span / 2)
  return { start: Math.min(maxStart, Math.max(0, view.start)), span }
}

/** Zooms by `factor` (> 1 zooms out) keeping song time `anchor` at the same place on screen. */
export function zoomAt(view: ViewWindow, factor: number, anchor: Seconds, limit: Seconds): ViewWindow {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError(`zoom factor must be a positive number, got ${factor}`)
  const span = clampSpan(view.span * factor)
  const frac = view.span > 0 ? (anchor - view.start) / view.span : 0
  return clampView({ start: anchor - frac * span, span }, limit)
}

/** Moves the view by `delta` seconds (positive: later). */
export function panBy(view: ViewWindow, delta: Seconds, limit: Seconds): ViewWindow {
  return clampView({ start: view.start + delta, span: view.span }, limit)
}

/** The view that keeps `playhead` at VIEW_LIMITS.followAt of the width (never before 0). */
export function followView(view: ViewWindow, playhead: Seconds): ViewWindow {
  return { start: Math.max(0, playhead - VIEW_LIMITS.followAt * view.span), span: view.span }
}

/** A view showing the whole song (at least the minimum span). */
export function fitView(extent: Seconds): ViewWindow {
  return { start: 0, span: clampSpan(Math.max(extent, VIEW_LIMITS.minSpan) * 1.02) }
}

/** Song time at horizontal pixel `x` of a `width`-pixel-wide view. */
export function timeAtX(view: ViewWindow, x: number, width: number): Seconds {
  return view.start + (width > 0 ? x / width : 0) * view.span
}

/** A tick step (seconds) giving about `targetTicks` ticks across the view. */
export function tickStep(span: Seconds, targetTicks = 8): Seconds {
  const steps = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800]
  const want = span / targetTicks
  return steps.find((s) => s >= want) ?? 3600
}
