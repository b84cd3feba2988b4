/**
 * Draws the emotion curve on a 2D canvas: only the points inside the view (binary search), in a few
 * paths per colour run, so a 10-minute song costs the same per frame as a 30-second one.
 */
import type { Seconds } from '../bridge/analysis/types.js'
import type { CurveSettings } from './emit.js'
import { formatTime } from './format.js'
import { AROUSAL_COLOUR, HEAD_DASHES, POLARITY_COLOURS, POLARITY_GLYPHS } from './palette.js'
import type { CurvePoint, CurveSeries } from './smoothing.js'
import { lowerBound } from './timeline-state.js'
import { tickStep, type ViewWindow } from './view-window.js'

/** Where and how big the canvas is, in CSS pixels. */
export type CurveLayout = { view: ViewWindow; width: number; height: number }

/** Colours of the chart furniture (read from the element's CSS custom properties). */
export type CurveTheme = { grid: string; zero: string; text: string; font: string }

/** What one draw did, for tests and the element's data attributes. */
export type DrawStats = { drawn: number; total: number }

/** Confidence band half-width in valence units: thin when unsure, wide when sure. */
export const BAND = { min: 0.03, perConfidence: 0.17 }

const PAD_TOP = 16
const PAD_BOTTOM = 6

type Head = 'fused' | 'audio' | 'lyrics'

/** Renders `series` into `ctx` (already scaled to CSS pixels); returns how many points were in view. */
export function drawCurve(
  ctx: CanvasRenderingContext2D,
  series: CurveSeries,
  layout: CurveLayout,
  settings: CurveSettings,
  theme: CurveTheme,
  gap: Seconds,
): DrawStats {
  const { view, width, height } = layout
  ctx.clearRect(0, 0, width, height)
  const x = (t: Seconds) => ((t - view.start) / view.span) * width
  const plotH = Math.max(1, height - PAD_TOP - PAD_BOTTOM)
  const y = (v: number) => PAD_TOP + ((1 - Math.max(-1.2, Math.min(1.2, v))) / 2) * plotH
  drawGrid(ctx, layout, theme, x, y)

  const pts = series.fused
  const i0 = Math.max(0, lowerBound(pts, view.start) - 1)
  const i1 = Math.min(pts.length, lowerBound(pts, view.start + view.span) + 1)
  const ctxOf = { ctx, x, y, gap }
  const heads: Head[] = (['fused', 'audio', 'lyrics'] as const).filter((h) => h === 'fused' || settings[h])
  if (settings.valence && settings.band) drawBand(ctxOf, pts, i0, i1)
  for (const head of heads.slice().reverse()) {
    const hp = series[head] as (CurvePoint | null)[]
    ctx.setLineDash(HEAD_DASHES[head])
    ctx.lineWidth = head === 'fused' ? 2.25 : 1.5
    if (settings.arousal) strokeRuns(ctxOf, hp, i0, i1, (p) => p.arousal, () => AROUSAL_COLOUR)
    if (settings.valence) strokeRuns(ctxOf, hp, i0, i1, (p) => p.valence, (p) => POLARITY_COLOURS[p.label])
  }
  ctx.setLineDash([])
  if (settings.valence) drawGlyphs(ctxOf, pts, i0, i1, theme)
  return { drawn: i1 - i0, total: pts.length }
}

type DrawCtx = { ctx: CanvasRenderingContext2D; x: (t: Seconds) => number; y: (v: number) => number; gap: Seconds }

/** Strokes `value` over points i0..i1, one path per colour run, breaking at gaps and nulls. */
function strokeRuns(
  { ctx, x, y, gap }: DrawCtx,
  pts: readonly (CurvePoint | null)[],
  i0: number,
  i1: number,
  value: (p: CurvePoint) => number,
  colour: (p: CurvePoint) => string,
): void {
  let colourNow: string | null = null
  let prev: CurvePoint | null = null
  for (let i = i0; i < i1; i++) {
    const p = pts[i] ?? null
    if (!p) {
      prev = null
      continue
    }
    const c = colour(p)
    const joined = prev !== null && p.t - prev.t <= gap
    if (colourNow === null) {
      ctx.beginPath()
      colourNow = c
      ctx.moveTo(x(p.t), y(value(p)))
    } else if (!joined) {
      ctx.moveTo(x(p.t), y(value(p)))
    } else {
      ctx.lineTo(x(p.t), y(value(p)))
    }
    if (c !== colourNow) {
      // Finish the run at this point so the line stays continuous, then start the next colour here.
      ctx.strokeStyle = colourNow
      ctx.stroke()
      ctx.beginPath()
      ctx.moveTo(x(p.t), y(value(p)))
      colourNow = c
    }
    prev = p
  }
  if (colourNow !== null) {
    ctx.strokeStyle = colourNow
    ctx.stroke()
  }
}

/** Fills the confidence band around the fused valence, one polygon per colour run. */
function drawBand({ ctx, x, y, gap }: DrawCtx, pts: readonly CurvePoint[], i0: number, i1: number): void {
  ctx.globalAlpha = 0.28
  let runStart = i0
  for (let i = i0 + 1; i <= i1; i++) {
    const end = i === i1 || pts[i]!.label !== pts[runStart]!.label || pts[i]!.t - pts[i - 1]!.t > gap
    if (!end) continue
    // Include the next point when it continues the line, so runs meet without a hole.
    const last = i < i1 && pts[i]!.t - pts[i - 1]!.t <= gap ? i : i - 1
    if (last > runStart || i1 - i0 === 1) {
      ctx.beginPath()
      for (let k = runStart; k <= last; k++) {
        const p = pts[k]!
        ctx.lineTo(x(p.t), y(p.valence + BAND.min + BAND.perConfidence * p.confidence))
      }
      for (let k = last; k >= runStart; k--) {
        const p = pts[k]!
        ctx.lineTo(x(p.t), y(p.valence - BAND.min - BAND.perConfidence * p.confidence))
      }
      ctx.closePath()
      ctx.fillStyle = POLARITY_COLOURS[pts[runStart]!.label]
      ctx.fill()
    }
    runStart = i
  }
  ctx.globalAlpha = 1
}

/** Puts the polarity glyph at the start of each colour run wide enough to hold it (a cue without colour). */
function drawGlyphs({ ctx, x, y }: DrawCtx, pts: readonly CurvePoint[], i0: number, i1: number, theme: CurveTheme): void {
  ctx.font = `10px ${theme.font}`
  ctx.textAlign = 'center'
  ctx.textBaseline = 'middle'
  let lastX = -Infinity
  for (let i = i0; i < i1; i++) {
    const p = pts[i]!
    if (i > 0 && pts[i - 1]!.label === p.label && i !== i0) continue
    const px = x(p.t)
    if (px - lastX < 18) continue
    lastX = px
    const above = p.label !== 'negative'
    ctx.fillStyle = POLARITY_COLOURS[p.label]
    ctx.fillText(POLARITY_GLYPHS[p.label], px + 6, y(p.valence) + (above ? -10 : 10))
  }
}

/** Horizontal value lines (±1, ±0.5, 0) and vertical time ticks with m:ss labels. */
function drawGrid(ctx: CanvasRenderingContext2D, layout: CurveLayout, theme: CurveTheme, x: (t: Seconds) => number, y: (v: number) => number): void {
  const { view, width } = layout
  ctx.lineWidth = 1
  ctx.setLineDash([])
  for (const v of [-1, -0.5, 0, 0.5, 1]) {
    ctx.strokeStyle = v === 0 ? theme.zero : theme.grid
    ctx.beginPath()
    ctx.moveTo(0, Math.round(y(v)) + 0.5)
    ctx.lineTo(width, Math.round(y(v)) + 0.5)
    ctx.stroke()
  }
  const step = tickStep(view.span, Math.max(2, Math.floor(width / 90)))
  ctx.font = `10px ${theme.font}`
  ctx.textAlign = 'left'
  ctx.textBaseline = 'top'
  ctx.fillStyle = theme.text
  ctx.strokeStyle = theme.grid
  for (let t = Math.ceil(view.start / step) * step; t < view.start + view.span; t += step) {
    const px = Math.round(x(t)) + 0.5
    ctx.beginPath()
    ctx.moveTo(px, 12)
    ctx.lineTo(px, layout.height)
    ctx.stroke()
    ctx.fillText(formatTime(t, step < 1), px + 3, 1)
  }
  ctx.textAlign = 'right'
  ctx.textBaseline = 'middle'
  ctx.fillText('+1', width - 3, y(1) + 6)
  ctx.fillText('−1', width - 3, y(-1) - 6)
}
