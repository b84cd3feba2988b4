/** The lyric lane: lyric lines at their song times, the words that carry the mood marked. */
import { LitElement, html } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { repeat } from 'lit/directives/repeat.js'
import { styleMap } from 'lit/directives/style-map.js'
import type { Conflict, LyricLine, Section, Seconds } from '../bridge/analysis/types.js'
import { lyricLaneStyles } from './el-lyric-lane.styles.js'
import { formatSigned, formatTime } from './format.js'
import { tokenizeLine } from './mood-words.js'
import { VIEW_LIMITS, type ViewWindow } from './view-window.js'

const moodClass = (v: number) => (v > 0.1 ? 'positive' : v < -0.1 ? 'negative' : 'neutral')

/**
 * Lyric lines in view, on two alternating rows so neighbours do not overlap. Lyrics are untrusted
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

  override render() {
    const { start, span } = this.view
    const end = start + span
    return html`<div role="list" aria-label="Lyrics">
      ${repeat(
        this.lines.map((line, index) => ({ line, index })).filter(({ line }) => line.end > start && line.start < end),
        ({ line, index }) => `${index}@${line.start}`,
        ({ line, index }) => {
          const left = ((Math.max(line.start, start) - start) / span) * 100
          // A line may run on until the next line on its row starts (lyric ends are often tight).
          const room = Math.max(line.end, this.lines[index + 2]?.start ?? line.end + span)
          const width = ((Math.min(room, end) - Math.max(line.start, start)) / span) * 100
          const now = this.playhead >= line.start && this.playhead < line.end
          return html`<div
            role="listitem"
            class="line row${index % 2} ${now ? 'now' : ''}"
            style=${styleMap({ left: `${left}%`, 'max-width': `${Math.max(width, 0.5)}%` })}
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
