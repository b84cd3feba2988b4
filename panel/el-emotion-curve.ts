/** The emotion curve: valence and arousal over song time, drawn on a canvas. */
import { LitElement, html, nothing, type PropertyValues } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import type { Frame, Seconds } from '../bridge/analysis/types.js'
import { drawCurve, type CurveTheme, type DrawStats } from './curve-draw.js'
import { emotionCurveStyles } from './el-emotion-curve.styles.js'
import type { CurveSettings } from './emit.js'
import { smoothFrames, type CurveSeries } from './smoothing.js'
import { VIEW_LIMITS, type ViewWindow } from './view-window.js'

/** What a fresh curve shows: smoothing as the default analysis preset (2 s), fused valence and arousal with the band. */
export const DEFAULT_CURVE_SETTINGS: CurveSettings = { smoothing: 2, valence: true, arousal: true, audio: false, lyrics: false, band: true }

/**
 * Valence (coloured by polarity, band width = confidence) and arousal over the visible stretch of song
 * time; the audio-only (dashed) and lyrics-only (dotted) heads on demand. Redraws only when its inputs
 * change, and draws only the points in view.
 *
 * Reflects `data-points` (frames held) and `data-drawn` (points in view at the last draw).
 * @csspart canvas - the drawing surface
 * @cssproperty --el-curve-height - height of the curve, default 180px
 */
@customElement('el-emotion-curve')
export class ElEmotionCurve extends LitElement {
  static override styles = emotionCurveStyles

  /** Frames sorted by time; may be mutated in place as long as `revision` changes. */
  @property({ attribute: false }) frames: readonly Frame[] = []
  /** Bump when `frames` changed in place. */
  @property({ type: Number }) revision = 0
  /** The stretch of song time to draw. */
  @property({ attribute: false }) view: ViewWindow = { start: 0, span: VIEW_LIMITS.initialSpan }
  /** Which curves show and how smooth. */
  @property({ attribute: false }) settings: CurveSettings = DEFAULT_CURVE_SETTINGS
  /** Analysis hop, seconds: frames further apart than a few hops are drawn with a gap. */
  @property({ type: Number }) hop: Seconds = 0.5

  @state() private size = { width: 0, height: 0 }
  @query('canvas') private canvas!: HTMLCanvasElement | null

  /** Points drawn and held at the last draw. */
  lastDraw: DrawStats = { drawn: 0, total: 0 }
  /** Draws done (for tests and the frame-rate benchmark). */
  draws = 0

  private series: CurveSeries = { fused: [], audio: [], lyrics: [] }
  private seriesKey = ''
  private resizer: ResizeObserver | null = null
  private themeCache: CurveTheme | null = null

  override connectedCallback(): void {
    super.connectedCallback()
    if (typeof ResizeObserver !== 'undefined') {
      this.resizer = new ResizeObserver((entries) => {
        const box = entries[entries.length - 1]!.contentRect
        if (box.width === this.size.width && box.height === this.size.height) return
        this.themeCache = null
        this.size = { width: box.width, height: box.height }
      })
      this.resizer.observe(this)
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.resizer?.disconnect()
    this.resizer = null
  }

  /** The smoothed curves currently drawn. */
  get curves(): CurveSeries {
    return this.series
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const key = `${this.revision}|${this.frames.length}|${this.settings.smoothing}`
    if (key !== this.seriesKey || changed.has('frames')) {
      this.series = smoothFrames(this.frames, this.settings.smoothing)
      this.seriesKey = key
    }
  }

  override render() {
    const last = this.series.fused[this.series.fused.length - 1]
    const label = last
      ? `Emotion curve, ${this.frames.length} frames; latest valence ${last.valence.toFixed(2)}, arousal ${last.arousal.toFixed(2)}, ${last.label}`
      : 'Emotion curve, no frames yet'
    return html`<canvas part="canvas" role="img" aria-label=${label}></canvas>
      ${this.frames.length === 0 ? html`<div class="empty">Waiting for audio…</div>` : nothing}`
  }

  protected override updated(): void {
    this.dataset.points = String(this.frames.length)
    this.draw()
  }

  /** Draws now (normally called after each update). */
  draw(): void {
    const canvas = this.canvas
    const width = this.size.width || this.clientWidth
    const height = this.size.height || this.clientHeight
    const ctx = canvas?.getContext('2d')
    if (!canvas || !ctx || width <= 0 || height <= 0) return
    const dpr = globalThis.devicePixelRatio || 1
    const w = Math.round(width * dpr)
    const h = Math.round(height * dpr)
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w
      canvas.height = h
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
    const gap = Math.max(1.5, this.hop * 2.5)
    this.lastDraw = drawCurve(ctx, this.series, { view: this.view, width, height }, this.settings, this.theme(), gap)
    this.draws++
    this.dataset.drawn = String(this.lastDraw.drawn)
  }

  private theme(): CurveTheme {
    // Reading computed style forces a style pass; once per size change is enough.
    if (this.themeCache) return this.themeCache
    const cs = getComputedStyle(this)
    const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback
    this.themeCache = {
      grid: v('--el-grid', 'rgba(255,255,255,0.08)'),
      zero: v('--el-zero', 'rgba(255,255,255,0.3)'),
      text: v('--el-muted', '#9aa0a6'),
      font: v('--el-font', 'system-ui, sans-serif'),
    }
    return this.themeCache
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'el-emotion-curve': ElEmotionCurve
  }
}
