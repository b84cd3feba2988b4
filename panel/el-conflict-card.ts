/** The explanation of one lyric-versus-music conflict: the words, the musical cues, the score. */
import { LitElement, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import type { Conflict } from '../bridge/analysis/types.js'
import { conflictCardStyles } from './el-conflict-card.styles.js'
import { emit } from './emit.js'
import { formatPercent, formatSigned, formatTime } from './format.js'
import { POLARITY_GLYPHS, valenceColour } from './palette.js'
import { polarityStyles } from './polarity.styles.js'

const cue = (x: number | null | undefined, unit: string, digits = 0) =>
  typeof x === 'number' && Number.isFinite(x) ? `${x.toFixed(digits)} ${unit}` : 'unclear'

/**
 * Says why a section's lyrics and music disagree. Renders nothing while `conflict` is null.
 * @event el-conflict-close - the user closed the card (button or Escape); detail `{ section }`
 */
@customElement('el-conflict-card')
export class ElConflictCard extends LitElement {
  static override styles = [polarityStyles, conflictCardStyles]

  /** The conflict to explain; null hides the card. */
  @property({ attribute: false }) conflict: Conflict | null = null

  override render() {
    const c = this.conflict
    if (!c) return nothing
    const { lyrics, music } = c
    const cues = music.cues ?? ({} as Partial<typeof music.cues>)
    const key = cues.key ?? (cues.mode ? cues.mode : null)
    return html`<section role="region" aria-label=${`Why ${c.section} conflicts`} tabindex="-1" @keydown=${this.onKey}>
      <header>
        <h3>⚡ ${c.section} <small>${formatTime(c.start)}–${formatTime(c.end)}</small></h3>
        <span class="score" title="How strongly lyrics and music disagree">score ${formatPercent(c.score)}</span>
        <button class="close" aria-label="Close the explanation" @click=${this.close}>✕</button>
      </header>
      <p class="why">${c.explanation}</p>
      <div class="sides">
        <div class="lyrics">
          <h4>Lyrics say</h4>
          <span class="tag pol-${lyrics.label}">${POLARITY_GLYPHS[lyrics.label] ?? ''} ${lyrics.label}</span>
          valence ${formatSigned(lyrics.valence)}
          <ul class="words" aria-label="Words that carry the lyric mood">
            ${(lyrics.words ?? []).map(
              (w) => html`<li style="border-color:${valenceColour(w.valence)}" title=${`valence ${formatSigned(w.valence)}, arousal ${formatSigned(w.arousal)}`}>
                ${w.word} <small>${formatSigned(w.valence)}</small>
              </li>`,
            )}
          </ul>
        </div>
        <div class="music">
          <h4>Music says</h4>
          <span class="tag pol-${music.label}">${POLARITY_GLYPHS[music.label] ?? ''} ${music.label}</span>
          valence ${formatSigned(music.valence)}, arousal ${formatSigned(music.arousal)}
          <dl aria-label="Musical cues">
            <dt>Tempo</dt>
            <dd>${cue(cues.tempoBpm, 'bpm')}</dd>
            <dt>Key</dt>
            <dd>${key ?? 'unclear'}</dd>
            <dt>Loudness</dt>
            <dd>${cue(cues.loudnessDb, 'dBFS', 1)}</dd>
            <dt>Brightness</dt>
            <dd>${cue(cues.brightnessHz, 'Hz')}</dd>
          </dl>
        </div>
      </div>
    </section>`
  }

  /** Moves keyboard focus into the card (the panel does this when it opens). */
  override focus(): void {
    this.renderRoot.querySelector<HTMLElement>('.close')?.focus()
  }

  private onKey = (ev: KeyboardEvent) => {
    if (ev.key === 'Escape') this.close()
  }

  private close = () => {
    if (this.conflict) emit(this, 'el-conflict-close', { section: this.conflict.section })
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'el-conflict-card': ElConflictCard
  }
}
