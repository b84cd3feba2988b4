/** The lyric lane: lyric lines at their song times, the words that carry the mood marked. */
import { LitElement, html } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { repeat } from 'lit/directives/repeat.js'
import { styleMap } from 'lit/directives/style-map.js'
import type { Conflict, LyricLine, Section, Seconds } from '../bridge/analysis/types.js'
import { lyricLaneStyles } from './el-lyric-lane.styles.js'
import { formatSigned, formatTime } from './format.js'
import { packLyricRows } from './lyric-rows.js'
import { tokenizeLine } from './mood-words.js'
import { VIEW_LIMITS, type ViewWindow } from './view-window.js'

const moodClass = (v: number) => (v > 0.1 ? 'positive' : v < -0.1 ? 'negative' : 'neutral')

/** Most rows of lyrics; the lane grows from two rows to this many as zooming out crowds the lines. */
const MAX_ROWS = 10
/** Row pitch and the lane's top and bottom padding, px (the styles' line height plus a gap). */
const ROW_PX = 21
const PAD_PX = 2
/** Lane width assumed before layout (or where there is none, as in tests without a browser), px. */
const FALLBACK_WIDTH = 1000
/** Padding and left border of a line, and a margin for bold mood words, px. */
const LINE_CHROME_PX = 12

/**
 * Lyric lines in view, stacked in rows so each shows its whole text where there is room
 * (see lyric-rows.ts). Lyrics are untrusted
 * text from the DAW or a file: they are only ever rendered through Lit text bindings (escaped).
 * Words a conflict names are marked strongly (`mark.conflict`); the other words that carry their
 * section's lyric mood more lightly (`mark.section`).
 */
@customElement('el-lyric-lane')
export class ElLyricLane extends LitElement {
  static override styles = lyricLaneStyles

  /** Timed lyric lines, in song order. */
  @property({ attribute: false }) lines: readonly LyricLine[] = []
  /** Conflicts whose mood words get marked strongly. */
  @property({ attribute: false }) conflicts: readonly Conflict[] = []
  /** Sections whose mood words (`lyrics.words`) get marked in the lines that lie in them. */
  @property({ attribute: false }) sections: readonly Section[] = []
  /** The stretch of song time shown. */
  @property({ attribute: false }) view: ViewWindow = { start: 0, span: VIEW_LIMITS.initialSpan }
  /** Song time under the play head: its line is highlighted. */
  @property({ type: Number }) playhead: Seconds = 0

  /** The lane's width in px, as last laid out. */
  @state() private laneWidth = 0
  private resizer: ResizeObserver | null = null
  private widths: { lines: readonly LyricLine[]; font: string; px: number[] } | null = null

  override connectedCallback(): void {
    super.connectedCallback()
    if (typeof ResizeObserver === 'function') {
      this.resizer = new ResizeObserver((entries) => {
        const w = entries[0]?.contentRect.width ?? 0
        if (Math.abs(w - this.laneWidth) >= 1) this.laneWidth = w
      })
      this.resizer.observe(this)
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.resizer?.disconnect()
    this.resizer = null
  }

  /** Pixel width each line's text needs, measured once per lines array and font. */
  private textWidths(): number[] {
    // Built from the longhands: the \`font\` shorthand reads back empty in some browsers.
    const cs = globalThis.getComputedStyle?.(this)
    const font = cs?.fontSize ? `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}` : '13px sans-serif'
    if (this.widths?.lines === this.lines && this.widths.font === font) return this.widths.px
    let ctx: CanvasRenderingContext2D | null = null
    try {
      ctx = document.createElement('canvas').getContext('2d')
    } catch {
      ctx = null // no canvas (a test DOM): estimate from the character count
    }
    if (ctx) ctx.font = font
    const px = this.lines.map((l) => Math.ceil((ctx ? ctx.measureText(l.text).width * 1.04 : l.text.length * 7.5) + LINE_CHROME_PX))
    this.widths = { lines: this.lines, font, px }
    return px
  }

  override render() {
    const { start, span } = this.view
    const lanePx = this.laneWidth > 0 ? this.laneWidth : FALLBACK_WIDTH
    const { placements, rows } = packLyricRows(this.lines, this.textWidths(), this.view, lanePx, MAX_ROWS)
    return html`<div role="list" aria-label="Lyrics" style=${styleMap({ height: `${Math.max(2, rows) * ROW_PX + 2 * PAD_PX}px` })}>
      ${repeat(
        placements,
        ({ index }) => `${index}@${this.lines[index]!.start}`,
        ({ index, row, rows: wraps, maxWidth }) => {
          const line = this.lines[index]!
          const left = ((Math.max(line.start, start) - start) / span) * 100
          const now = this.playhead >= line.start && this.playhead < line.end
          return html`<div
            role="listitem"
            class="line ${now ? 'now' : ''} ${wraps > 1 ? 'wrap' : ''}"
            style=${styleMap({
              left: `${left}%`,
              top: `${PAD_PX + row * ROW_PX}px`,
              height: `${wraps * ROW_PX - 1}px`,
              'max-width': `${((Math.max(maxWidth, 4) / lanePx) * 100).toFixed(3)}%`,
            })}
            data-row=${row}
            title=${`${formatTime(line.start)}: ${line.text}`}
            data-start=${line.start}
          >${tokenizeLine(line, this.conflicts, this.sections).map((tok) =>
            tok.mood
              ? html`<mark
                  class="${tok.source} ${moodClass(tok.mood.valence)}"
                  title=${`carries the ${tok.source === 'conflict' ? 'mood' : "section's lyric mood"}: valence ${formatSigned(tok.mood.valence)}`}
                  >${tok.text}</mark
                >`
              : tok.text,
          )}</div>`
        },
      )}
    </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'el-lyric-lane': ElLyricLane
  }
}
