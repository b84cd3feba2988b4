/** The section table: per section, what the music and the lyrics each say, and where they disagree. */
import { LitElement, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import type { Conflict, PolarityLabel, Reading, Section } from '../bridge/analysis/types.js'
import { conflictFor } from './el-section-strip.js'
import { sectionTableStyles } from './el-section-table.styles.js'
import { emit } from './emit.js'
import { formatPercent, formatSigned, formatTime } from './format.js'
import { POLARITY_GLYPHS } from './palette.js'

/** How many of a section's mood words the table lists. */
const MAX_WORDS = 3

const reading = (r: Reading) =>
  html`<span class="pol pol-${r.label}">${POLARITY_GLYPHS[r.label as PolarityLabel] ?? ''} ${r.label}</span>
    <span class="va">V ${formatSigned(r.valence)} A ${formatSigned(r.arousal)}</span>`

/**
 * One row per section, in song order: the fused reading, the music-only and lyrics-only heads side by
 * side, the words carrying the lyric mood, and whether words and music agree (a conflict's score and a
 * button that opens its explanation). Section names and words are rendered as text.
 * @event el-conflict-open - the user pressed a conflict's "Why?"; detail `{ section, start }`
 */
@customElement('el-section-table')
export class ElSectionTable extends LitElement {
  static override styles = sectionTableStyles

  /** Sections with their aggregated readings. */
  @property({ attribute: false }) sections: readonly Section[] = []
  /** Lyric-versus-music conflicts. */
  @property({ attribute: false }) conflicts: readonly Conflict[] = []

  override render() {
    if (this.sections.length === 0) return html`<p class="empty">Sections appear here once their audio has been analysed.</p>`
    return html`<table>
      <caption>
        Sections: music and lyrics
      </caption>
      <thead>
        <tr>
          <th scope="col">Section</th>
          <th scope="col">Overall</th>
          <th scope="col">Music</th>
          <th scope="col">Lyrics</th>
          <th scope="col">Words carrying the lyric mood</th>
          <th scope="col">Words and music</th>
        </tr>
      </thead>
      <tbody>
        ${this.sections.map((s) => {
          const conflict = conflictFor(s, this.conflicts)
          const words = s.lyrics?.words?.slice(0, MAX_WORDS) ?? []
          return html`<tr data-section=${s.name} class=${conflict ? 'conflict' : ''}>
            <th scope="row"><span class="name">${s.name}</span> <span class="time">${formatTime(s.start)}–${formatTime(s.end)}</span></th>
            <td>${reading(s)} <span class="sure">${formatPercent(s.confidence)} sure</span></td>
            <td data-head="music">${reading(s.audio)}</td>
            <td data-head="lyrics">${s.lyrics ? reading(s.lyrics) : html`<span class="none">no lyrics</span>`}</td>
            <td class="words">${words.length ? words.map((w) => html`<q>${w.word}</q> `) : html`<span class="none">–</span>`}</td>
            <td>
              ${conflict
                ? html`<span class="disagree">⚡ disagree ${formatPercent(conflict.score)}</span>
                    <button
                      aria-label=${`Why do the words and music of ${s.name} disagree?`}
                      @click=${() => emit(this, 'el-conflict-open', { section: conflict.section, start: conflict.start })}
                    >
                      Why?
                    </button>`
                : !s.lyrics
                  ? nothing
                  : s.lyrics.label === s.audio.label
                    ? html`<span class="agree">agree</span>`
                    : html`<span class="differ">differ, below the conflict threshold</span>`}
            </td>
          </tr>`
        })}
      </tbody>
    </table>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'el-section-table': ElSectionTable
  }
}
