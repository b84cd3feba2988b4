/** The valence/arousal plane (Russell's circumplex): where the song is now and the path it took to get there. */
import { LitElement, html, svg, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import type { Seconds } from '../bridge/analysis/types.js'
import { vaPlaneStyles } from './el-va-plane.styles.js'
import { formatSigned } from './format.js'
import { POLARITY_COLOURS, POLARITY_GLYPHS } from './palette.js'
import { pointAt, type CurvePoint } from './smoothing.js'

/** Words for a point on the plane, by quadrant. */
export function describeMood(valence: number, arousal: number): string {
  if (Math.hypot(valence, arousal) < 0.15) return 'neutral'
  if (arousal >= 0) return valence >= 0 ? 'excited, happy' : 'tense, angry'
  return valence >= 0 ? 'calm, content' : 'sad, tired'
}

/**
 * Valence across, arousal up; the reading under the play head as a marked dot, the last
 * `trail` seconds as a fading line. Reflects `data-valence` / `data-arousal` of the current point.
 * @cssproperty --el-plane-size - largest width, default 240px
 */
@customElement('el-va-plane')
export class ElVaPlane extends LitElement {
  static override styles = vaPlaneStyles

  /** Fused curve points, sorted by time. */
  @property({ attribute: false }) points: readonly CurvePoint[] = []
  /** Song time under the play head. */
  @property({ type: Number }) playhead: Seconds = 0
  /** Length of the trail, seconds. */
  @property({ type: Number }) trail: Seconds = 20

  private now: CurvePoint | null = null

  protected override willUpdate(): void {
    this.now = pointAt(this.points, this.playhead)
  }

  protected override updated(): void {
    if (this.now) {
      this.dataset.valence = this.now.valence.toFixed(3)
      this.dataset.arousal = this.now.arousal.toFixed(3)
    } else {
      delete this.dataset.valence
      delete this.dataset.arousal
    }
  }

  override render() {
    const now = this.now
    const trail: CurvePoint[] = []
    if (now) {
      for (let i = this.points.indexOf(now); i >= 0 && this.points[i]!.t >= now.t - this.trail; i--) trail.unshift(this.points[i]!)
    }
    const label = now
      ? `Valence ${formatSigned(now.valence)}, arousal ${formatSigned(now.arousal)}: ${describeMood(now.valence, now.arousal)}`
      : 'Valence and arousal plane: no reading yet'
    // SVG y grows downwards: arousal is negated.
    return html`<svg viewBox="-1.15 -1.15 2.3 2.3" role="img" aria-label=${label}>
      <circle class="ring" cx="0" cy="0" r="1"></circle>
      <line class="axis" x1="-1" y1="0" x2="1" y2="0"></line>
      <line class="axis" x1="0" y1="-1" x2="0" y2="1"></line>
      <text x="0.98" y="-0.03" text-anchor="end">valence →</text>
      <text x="0.03" y="-0.96">arousal ↑</text>
      <text class="quad" x="0.62" y="-0.62" text-anchor="middle">excited</text>
      <text class="quad" x="-0.62" y="-0.62" text-anchor="middle">tense</text>
      <text class="quad" x="-0.62" y="0.68" text-anchor="middle">sad</text>
      <text class="quad" x="0.62" y="0.68" text-anchor="middle">calm</text>
      ${trail.slice(1).map((p, i) => {
        const q = trail[i]!
        const age = (now!.t - p.t) / this.trail
        return svg`<line class="trail" x1=${q.valence} y1=${-q.arousal} x2=${p.valence} y2=${-p.arousal}
          stroke=${POLARITY_COLOURS[p.label]} stroke-opacity=${(0.15 + 0.85 * (1 - age)).toFixed(2)}></line>`
      })}
      ${now
        ? svg`<circle class="now" cx=${now.valence} cy=${-now.arousal} r="0.07" fill=${POLARITY_COLOURS[now.label]}></circle>
            <text x=${now.valence} y=${-now.arousal + 0.03} text-anchor="middle" style="fill:#000;font-size:0.08px">${POLARITY_GLYPHS[now.label]}</text>`
        : nothing}
    </svg>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'el-va-plane': ElVaPlane
  }
}
