/** The section strip: each section's name and polarity, with a badge on sections whose lyrics and music disagree. */
import { LitElement, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { repeat } from 'lit/directives/repeat.js'
import { styleMap } from 'lit/directives/style-map.js'
import type { Conflict, Section } from '../bridge/analysis/types.js'
import { emit } from './emit.js'
import { formatPercent, formatSigned, formatTime } from './format.js'
import { POLARITY_GLYPHS } from './palette.js'
import { polarityStyles } from './polarity.styles.js'
import { sectionStripStyles } from './el-section-strip.styles.js'
import { VIEW_LIMITS, type ViewWindow } from './view-window.js'

/** The conflict reported for `section`: same name and overlapping, else the one overlapping it most. */
export function conflictFor(section: { name: string; start: number; end: number }, conflicts: readonly Conflict[]): Conflict | null {
  const overlap = (c: Conflict) => Math.min(c.end, section.end) - Math.max(c.start, section.start)
  const named = conflicts.find((c) => c.section === section.name && overlap(c) > 0)
  if (named) return named
  let best: Conflict | null = null
  for (const c of conflicts) {
    const o = overlap(c)
    if (o > 0.5 * (section.end - section.start) && (!best || o > overlap(best))) best = c
  }
  return best
}

/**
 * One block per section in view, filled with its polarity colour and pattern; a conflict badge opens
 * the explanation.
 * @event el-conflict-open - the user pressed a conflict badge; detail `{ section, start }`
 */
@customElement('el-section-strip')
export class ElSectionStrip extends LitElement {
  static override styles = [polarityStyles, sectionStripStyles]

  /** Sections with their aggregated readings. */
  @property({ attribute: false }) sections: readonly Section[] = []
  /** Lyric-versus-music conflicts. */
  @property({ attribute: false }) conflicts: readonly Conflict[] = []
  /** The stretch of song time shown. */
  @property({ attribute: false }) view: ViewWindow = { start: 0, span: VIEW_LIMITS.initialSpan }

  override render() {
    const { start, span } = this.view
    const end = start + span
    const visible = this.sections.filter((s) => s.end > start && s.start < end)
    return html`<div role="list" aria-label="Sections">
      ${repeat(
        visible,
        (s) => `${s.name}@${s.start}`,
        (s) => {
          const left = Math.max(s.start, start)
          const right = Math.min(s.end, end)
          const conflict = conflictFor(s, this.conflicts)
          const pos = { left: `${((left - start) / span) * 100}%`, width: `${((right - left) / span) * 100}%` }
          const title = `${s.name} ${formatTime(s.start)}–${formatTime(s.end)}: ${s.label} (valence ${formatSigned(s.valence)}, arousal ${formatSigned(s.arousal)}, ${formatPercent(s.confidence)} sure)`
          return html`<div
            role="listitem"
            class="section pol-${s.label} ${conflict ? 'conflict' : ''}"
            style=${styleMap(pos)}
            title=${title}
            aria-label=${title}
            data-section=${s.name}
            data-label=${s.label}
          >
            <span class="label"><span class="glyph" aria-hidden="true">${POLARITY_GLYPHS[s.label] ?? ''}</span> <span class="name">${s.name}</span></span>
            ${conflict
              ? html`<button
                  class="badge"
                  part="badge"
                  data-conflict=${conflict.section}
                  aria-label=${`Conflict in ${s.name}: lyrics ${conflict.lyrics.label}, music ${conflict.music.label}, score ${formatPercent(conflict.score)}. Show why`}
                  @click=${() => emit(this, 'el-conflict-open', { section: conflict.section, start: conflict.start })}
                >
                  ⚡ ${formatPercent(conflict.score)}
                </button>`
              : nothing}
          </div>`
        },
      )}
    </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'el-section-strip': ElSectionStrip
  }
}
