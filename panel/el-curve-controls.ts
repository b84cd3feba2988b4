/** Controls: smoothing, which curves show, the analysis preset, and the way into the export dialog. */
import { LitElement, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { curveControlsStyles } from './el-curve-controls.styles.js'
import { DEFAULT_CURVE_SETTINGS } from './el-emotion-curve.js'
import { emit, type CurveSettings } from './emit.js'
import { AROUSAL_COLOUR, POLARITY_COLOURS } from './palette.js'

/** Widest smoothing offered, seconds. */
export const MAX_SMOOTHING = 10

type Toggle = Exclude<keyof CurveSettings, 'smoothing'>

const TOGGLES: { key: Toggle; label: string; swatch: string; colour: string; shortcut: string }[] = [
  { key: 'valence', label: 'Valence', swatch: '', colour: POLARITY_COLOURS.positive, shortcut: 'v' },
  { key: 'arousal', label: 'Arousal', swatch: '', colour: AROUSAL_COLOUR, shortcut: 'a' },
  { key: 'audio', label: 'Audio only', swatch: 'dashed', colour: 'currentColor', shortcut: 'm' },
  { key: 'lyrics', label: 'Lyrics only', swatch: 'dotted', colour: 'currentColor', shortcut: 'l' },
  { key: 'band', label: 'Confidence', swatch: '', colour: POLARITY_COLOURS.neutral, shortcut: 'b' },
]

/**
 * Sends changes only when the user makes them; setting `settings` or `preset` from code is silent.
 * @event el-settings-change - detail: the new CurveSettings
 * @event el-preset-change - detail `{ preset }`
 * @event el-export-request - the user pressed Export
 */
@customElement('el-curve-controls')
export class ElCurveControls extends LitElement {
  static override styles = curveControlsStyles

  /** Current curve settings. */
  @property({ attribute: false }) settings: CurveSettings = DEFAULT_CURVE_SETTINGS
  /** Analysis presets the bridge can switch to; empty shows the preset in use without a picker. */
  @property({ attribute: false }) presets: readonly string[] = []
  /** The preset in use. */
  @property() preset = ''
  /** Why presets cannot be changed right now (shown as the picker's title), or empty when they can. */
  @property() presetLocked = ''

  override render() {
    const s = this.settings
    return html`<form @submit=${(e: Event) => e.preventDefault()} aria-label="Curve controls">
      <label title="Gaussian smoothing over this many seconds, as in exports (0 = raw frames)">
        Smoothing
        <input
          type="range"
          name="smoothing"
          min="0"
          max=${MAX_SMOOTHING}
          step="0.5"
          .value=${String(s.smoothing)}
          aria-label="Smoothing in seconds"
          aria-valuetext=${`${s.smoothing} seconds`}
          @input=${this.onSmoothing}
        />
        <output>${s.smoothing} s</output>
      </label>
      <fieldset>
        <legend>Show</legend>
        ${TOGGLES.map(
          (t) => html`<label title=${`${t.key === 'band' ? 'Confidence band around the valence curve' : t.label} (Alt+${t.shortcut.toUpperCase()})`}>
            <input type="checkbox" name=${t.key} .checked=${s[t.key]} @change=${(e: Event) => this.onToggle(t.key, e)} />
            <span class="swatch ${t.swatch}" style="color:${t.colour};border-top-color:${t.colour}" aria-hidden="true"></span>
            ${t.label}
          </label>`,
        )}
      </fieldset>
      ${this.presets.length > 0
        ? html`<label title=${this.presetLocked || 'Analysis preset the bridge uses'}>
            Preset
            <select name="preset" aria-label="Analysis preset" .value=${this.preset} ?disabled=${Boolean(this.presetLocked)} @change=${this.onPreset}>
              ${this.presets.map((p) => html`<option value=${p} ?selected=${p === this.preset}>${p}</option>`)}
            </select>
          </label>`
        : this.preset
          ? html`<span class="preset" title="The bridge's analysis preset; this bridge takes it when it starts (--preset)">Preset <b>${this.preset}</b></span>`
          : nothing}
      <button type="button" class="export" @click=${() => emit(this, 'el-export-request', {})} title="Export automation lanes (E)">Export…</button>
    </form>`
  }

  /** Flips one curve toggle as if the user had (keyboard shortcuts call this). */
  toggle(key: Toggle): void {
    this.change({ ...this.settings, [key]: !this.settings[key] })
  }

  private change(next: CurveSettings): void {
    this.settings = next
    emit(this, 'el-settings-change', next)
  }

  private onSmoothing = (e: Event) => {
    const v = Number((e.target as HTMLInputElement).value)
    if (Number.isFinite(v)) this.change({ ...this.settings, smoothing: Math.min(MAX_SMOOTHING, Math.max(0, v)) })
  }

  private onToggle(key: Toggle, e: Event): void {
    this.change({ ...this.settings, [key]: (e.target as HTMLInputElement).checked })
  }

  private onPreset = (e: Event) => {
    const preset = (e.target as HTMLSelectElement).value
    this.preset = preset
    emit(this, 'el-preset-change', { preset })
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'el-curve-controls': ElCurveControls
  }
}
