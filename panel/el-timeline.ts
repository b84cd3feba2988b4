/**
 * The timeline: section strip, emotion curve and lyric lane over one shared stretch of song time,
 * with the play cursor. Follows the transport (auto-scroll) until the user pans; zooms and pans by
 * mouse wheel, trackpad (pinch and two-finger swipe), drag, and keyboard. When the song ends (the
 * transport stops at the end of what was heard) it shows the whole song, and follows again on play.
 * While the newest readings trail the play head it shades the stretch still being analysed and says why.
 */
import { LitElement, html } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import type { Conflict, Frame, LyricLine, Section, Seconds } from '../bridge/analysis/types.js'
import { DEFAULT_CURVE_SETTINGS } from './el-emotion-curve.js'
import './el-emotion-curve.js'
import './el-lyric-lane.js'
import './el-section-strip.js'
import { timelineStyles } from './el-timeline.styles.js'
import { emit, type CurveSettings } from './emit.js'
import { formatTime } from './format.js'
import { pendingStretch, songEnded } from './pending-stretch.js'
import { playheadAt, type TransportSample } from './timeline-state.js'
import { clampView, fitView, followView, panBy, timeAtX, VIEW_LIMITS, zoomAt, type ViewWindow } from './view-window.js'

/** Zoom step for one key press or button press. */
const ZOOM_STEP = 1.5
/** Wheel delta (pixels) that zooms by a factor e. */
const WHEEL_ZOOM_PX = 300
/** Pixels a pointer must move before a press becomes a drag. */
const DRAG_SLOP = 3

/** 3, 5 or 2.5: at most one decimal, none when whole. */
const formatSeconds = (s: Seconds): string => String(Math.round(s * 10) / 10)

/**
 * @event el-view-change - the user zoomed, panned or toggled follow; detail `{ start, span, follow }`
 * @cssproperty --el-cursor - play cursor colour
 */
@customElement('el-timeline')
export class ElTimeline extends LitElement {
  static override styles = timelineStyles

  /** Frames sorted by time (mutated in place by the controller; see `revision`). */
  @property({ attribute: false }) frames: readonly Frame[] = []
  /** Bumps when `frames` changed. */
  @property({ type: Number }) revision = 0
  /** Analysis hop, seconds. */
  @property({ type: Number }) hop: Seconds = 0.5
  /** Analysis window, seconds: a reading needs half of it after its centre (said while the curve trails). */
  @property({ type: Number }) window: Seconds = 6
  /** Music a reading waits for after its centre (the bridge's status says; half a window when it does not). */
  @property({ type: Number }) lookahead: Seconds | null = null
  @property({ attribute: false }) sections: readonly Section[] = []
  @property({ attribute: false }) conflicts: readonly Conflict[] = []
  @property({ attribute: false }) lyrics: readonly LyricLine[] = []
  /** End of the known song, seconds (limits panning). */
  @property({ type: Number }) extent: Seconds = 0
  /** Transport as last reported; the cursor moves on from it while playing. */
  @property({ attribute: false }) transport: TransportSample = { playing: false, time: 0, tempo: null, receivedAt: 0 }
  /** Which curves show and how smooth. */
  @property({ attribute: false }) settings: CurveSettings = DEFAULT_CURVE_SETTINGS
  /** Keep the play head in view (auto-scroll). Panning turns it off; F or the Follow button turns it on. */
  @property({ type: Boolean, reflect: true }) follow = true
  /** The stretch of song time shown. */
  @property({ attribute: false }) view: ViewWindow = { start: 0, span: VIEW_LIMITS.initialSpan }
  /** Dims the timeline (the bridge is away and what shows may be stale). */
  @property({ type: Boolean }) stale = false
  /** Local clock in ms, matching the transport's receivedAt. */
  @property({ attribute: false }) clock: () => number = () => performance.now()

  /** Song time under the play head. */
  @state() playhead: Seconds = 0

  @query('.frame') private frameEl!: HTMLElement | null

  private raf = 0
  private drag: { id: number; x: number; start: Seconds; moved: boolean } | null = null
  /** The transport report last looked at: a song's end parks the view once per report, so Follow pressed afterwards stays on. */
  private seenTransport: TransportSample | null = null
  /** The view shows the whole song because the song ended; play follows again with `followSpan`. */
  private parked = false
  private followSpan: Seconds = VIEW_LIMITS.initialSpan

  override connectedCallback(): void {
    super.connectedCallback()
    const loop = () => {
      this.tick()
      this.raf = requestAnimationFrame(loop)
    }
    this.raf = requestAnimationFrame(loop)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    cancelAnimationFrame(this.raf)
  }

  /** Moves the cursor (and the view, while following) to the transport's current time. */
  tick(): void {
    const ph = playheadAt(this.transport, this.clock())
    if (Math.abs(ph - this.playhead) > 1e-4) this.playhead = ph
    const fresh = this.transport !== this.seenTransport
    this.seenTransport = this.transport
    if (fresh && this.follow && songEnded(this.transport, ph, this.extent, this.window)) {
      this.parked = true
      this.followSpan = this.view.span
      this.follow = false
    }
    if (this.parked) {
      if (this.transport.playing) {
        this.parked = false
        this.follow = true
        this.view = { start: this.view.start, span: this.followSpan }
      } else {
        const v = fitView(this.limit())
        if (Math.abs(v.span - this.view.span) > 1e-4 || this.view.start !== 0) this.view = v
      }
    }
    if (this.follow) {
      const v = followView(this.view, ph)
      if (Math.abs(v.start - this.view.start) > 1e-4) this.view = v
    }
  }

  override render() {
    const { start, span } = this.view
    const x = ((this.playhead - start) / span) * 100
    const visible = x >= 0 && x <= 100
    const pending = pendingStretch(this.frames, this.playhead, this.hop)
    const lag = pending ? this.playhead - pending.start : 0
    const pendingLeft = pending ? Math.max(0, ((pending.start - start) / span) * 100) : 0
    const pendingRight = pending ? Math.min(100, x) : 0
    return html`<div class="toolbar" role="toolbar" aria-label="Timeline view">
        <span class="clock" aria-live="off" title="Play head">${this.transport.playing ? '▶' : '■'} ${formatTime(this.playhead, true)}</span>
        <button aria-label="Zoom out" title="Zoom out (−)" @click=${() => this.zoomBy(ZOOM_STEP)}>−</button>
        <button aria-label="Zoom in" title="Zoom in (+)" @click=${() => this.zoomBy(1 / ZOOM_STEP)}>+</button>
        <button aria-label="Show the whole song" title="Whole song (0)" @click=${this.fit}>Fit</button>
        <button aria-label="Follow the play head" title="Follow the play head (F)" aria-pressed=${String(this.follow)} @click=${this.toggleFollow}>
          Follow
        </button>
        <span class="spacer"></span>
        ${pending && this.transport.playing
          ? html`<span class="lag" role="status"
              >Curve ${lag.toFixed(1)} s behind the play head: each reading is the middle of a ${this.window} s window, so it waits for the
              next ${formatSeconds(this.lookahead ?? this.window / 2)} s of music, then the model.</span
            >`
          : html`<span class="hint">wheel: zoom · shift+wheel or drag: pan · ←/→ pan · +/− zoom · F follow · 0 fit</span>`}
      </div>
      <div
        class="frame ${this.stale ? 'stale' : ''} ${this.drag?.moved ? 'dragging' : ''}"
        tabindex="0"
        role="group"
        aria-label=${`Timeline ${formatTime(start)} to ${formatTime(start + span)}. Arrow keys pan, plus and minus zoom, F follows the play head, 0 shows the whole song.`}
        @keydown=${this.onKey}
        @wheel=${this.onWheel}
        @pointerdown=${this.onPointerDown}
        @pointermove=${this.onPointerMove}
        @pointerup=${this.onPointerUp}
        @pointercancel=${this.onPointerUp}
      >
        <el-section-strip .sections=${this.sections} .conflicts=${this.conflicts} .view=${this.view}></el-section-strip>
        <el-emotion-curve .frames=${this.frames} .revision=${this.revision} .view=${this.view} .settings=${this.settings} .hop=${this.hop}></el-emotion-curve>
        <el-lyric-lane .lines=${this.lyrics} .conflicts=${this.conflicts} .sections=${this.sections} .view=${this.view} .playhead=${this.playhead}></el-lyric-lane>
        <div
          class="pending"
          ?hidden=${!pending || pendingRight <= pendingLeft}
          style="left:${pendingLeft.toFixed(3)}%;width:${(pendingRight - pendingLeft).toFixed(3)}%"
          data-start=${pending?.start.toFixed(2) ?? ''}
          title="Still being analysed: readings appear once the music has run half a window past them"
          aria-hidden="true"
        >
          <span>analysing…</span>
        </div>
        <div class="cursor" ?hidden=${!visible} style="left:${x.toFixed(3)}%" data-time=${this.playhead.toFixed(2)} aria-hidden="true"></div>
      </div>`
  }

  private limit(): Seconds {
    return Math.max(this.extent, this.playhead, VIEW_LIMITS.minSpan)
  }

  /** Applies a user's change of view and tells listeners. */
  private userView(view: ViewWindow, follow = this.follow): void {
    this.parked = false
    this.view = view
    this.follow = follow
    emit(this, 'el-view-change', { start: view.start, span: view.span, follow })
  }

  private zoomBy(factor: number, anchor?: Seconds): void {
    const { start, span } = this.view
    const at = anchor ?? (this.playhead >= start && this.playhead <= start + span ? this.playhead : start + span / 2)
    const next = zoomAt(this.view, factor, at, this.limit())
    this.userView(this.follow ? followView(next, this.playhead) : next)
  }

  private fit = () => this.userView(fitView(this.limit()), false)

  private toggleFollow = () => {
    const follow = !this.follow
    this.userView(follow ? followView(this.view, this.playhead) : this.view, follow)
  }

  private panBySeconds(delta: Seconds): void {
    this.userView(panBy(this.view, delta, this.limit()), false)
  }

  private onKey = (ev: KeyboardEvent) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return
    const { span } = this.view
    const step = ev.shiftKey ? span / 2 : span / 10
    switch (ev.key) {
      case 'ArrowLeft':
        this.panBySeconds(-step)
        break
      case 'ArrowRight':
        this.panBySeconds(step)
        break
      case '+':
      case '=':
        this.zoomBy(1 / ZOOM_STEP)
        break
      case '-':
      case '_':
        this.zoomBy(ZOOM_STEP)
        break
      case '0':
        this.fit()
        break
      case 'f':
      case 'F':
        this.toggleFollow()
        break
      case 'Home':
        this.userView(clampView({ start: 0, span }, this.limit()), false)
        break
      case 'End':
        this.userView(clampView({ start: this.limit() - span, span }, this.limit()), false)
        break
      default:
        return
    }
    ev.preventDefault()
  }

  private onWheel = (ev: WheelEvent) => {
    const rect = this.frameEl?.getBoundingClientRect()
    if (!rect || rect.width <= 0) return
    ev.preventDefault()
    const unit = ev.deltaMode === 1 ? 16 : ev.deltaMode === 2 ? rect.width : 1
    const dx = (ev.deltaX || 0) * unit
    const dy = (ev.deltaY || 0) * unit
    if (ev.shiftKey || Math.abs(dx) > Math.abs(dy)) {
      // Trackpad swipe sideways, or shift+wheel: pan.
      const px = ev.shiftKey && dx === 0 ? dy : dx
      this.panBySeconds((px / rect.width) * this.view.span)
      return
    }
    // Wheel or pinch (the browser sends pinch as ctrl+wheel): zoom around the pointer.
    const x = Number.isFinite(ev.clientX) ? ev.clientX - rect.left : rect.width / 2
    const anchor = this.follow ? this.playhead : timeAtX(this.view, x, rect.width)
    const factor = Math.exp((dy * (ev.ctrlKey ? 4 : 1)) / WHEEL_ZOOM_PX)
    this.zoomBy(factor, anchor)
  }

  private onPointerDown = (ev: PointerEvent) => {
    if (ev.button !== 0 || ev.composedPath().some((n) => n instanceof HTMLButtonElement)) return
    this.drag = { id: ev.pointerId, x: ev.clientX, start: this.view.start, moved: false }
  }

  private onPointerMove = (ev: PointerEvent) => {
    const d = this.drag
    const width = this.frameEl?.clientWidth ?? 0
    if (!d || d.id !== ev.pointerId || width <= 0) return
    const dx = ev.clientX - d.x
    if (!d.moved && Math.abs(dx) < DRAG_SLOP) return
    if (!d.moved) {
      d.moved = true
      this.frameEl?.setPointerCapture?.(ev.pointerId)
    }
    this.userView(clampView({ start: d.start - (dx / width) * this.view.span, span: this.view.span }, this.limit()), false)
  }

  private onPointerUp = (ev: PointerEvent) => {
    if (this.drag?.id !== ev.pointerId) return
    this.drag = null
    this.requestUpdate()
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'el-timeline': ElTimeline
  }
}
