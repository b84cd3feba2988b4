/**
 * <emolane-panel>: the whole panel. Connects to the bridge that served the page, and lays out the
 * status, the controls, the timeline (sections, curve, lyrics), the valence/arousal plane, the
 * conflict explanation and the export dialog.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import type { Conflict } from '../bridge/analysis/types.js'
import { BridgeController } from './bridge-controller.js'
import { feedUrl, tokenFromSearch } from './bridge-url.js'
import './el-conflict-card.js'
import type { ElConflictCard } from './el-conflict-card.js'
import './el-curve-controls.js'
import { MAX_SMOOTHING, type ElCurveControls } from './el-curve-controls.js'
import { DEFAULT_CURVE_SETTINGS } from './el-emotion-curve.js'
import './el-export-dialog.js'
import type { ElExportDialog } from './el-export-dialog.js'
import './el-status-bar.js'
import './el-section-table.js'
import './el-timeline.js'
import type { ElTimeline } from './el-timeline.js'
import './el-va-plane.js'
import { describeMood } from './el-va-plane.js'
import type { CurveSettings } from './emit.js'
import { fetchExportOptions, type ExportOptions } from './export-options.js'
import { formatPercent, formatSigned } from './format.js'
import { panelStyles } from './emolane-panel.styles.js'
import { POLARITY_GLYPHS } from './palette.js'
import { fetchPresets, selectPreset } from './preset-api.js'
import { pointAt, smoothFrames, type CurveSeries } from './smoothing.js'

/** How often the side readouts follow a playing transport, ms (the cursor itself runs at frame rate). */
const READOUT_MS = 100
const SETTINGS_KEY = 'emolane.panel.settings'

function loadSettings(): CurveSettings {
  try {
    const raw = globalThis.localStorage?.getItem(SETTINGS_KEY)
    return raw ? { ...DEFAULT_CURVE_SETTINGS, ...(JSON.parse(raw) as Partial<CurveSettings>) } : DEFAULT_CURVE_SETTINGS
  } catch {
    return DEFAULT_CURVE_SETTINGS
  }
}

/**
 * Keyboard: Alt+V/A/M/L/B toggle valence, arousal, audio-only, lyrics-only, band; E opens export;
 * T focuses the timeline (then arrows, +/−, F, 0). Reflects `data-connection`, `data-frames`,
 * `data-snapshots` and `data-reconnects` for scripts and tests.
 * @cssproperty --el-bg - page background (see the styles for every theme token)
 */
@customElement('emolane-panel')
export class EmolanePanel extends LitElement {
  static override styles = panelStyles

  /** Feed URL; default ws(s)://<this page's host>/ws with the page's ?token=. */
  @property({ attribute: 'feed-url' }) feedUrl = ''
  /** 'dark' (default) or 'light'. */
  @property({ reflect: true }) theme: 'dark' | 'light' = 'dark'

  @state() private settings: CurveSettings = loadSettings()
  @state() private openConflict: { section: string; start: number } | null = null
  @state() private exportOptions: ExportOptions | null = null
  @state() private exportProblem = ''
  @state() private presets: string[] = []
  @state() private presetLocked = ''
  @state() private readoutTime = 0

  @query('el-export-dialog') private exportDialog!: ElExportDialog | null
  @query('el-conflict-card') private conflictCard!: ElConflictCard | null
  @query('el-timeline') private timeline!: ElTimeline | null
  @query('el-curve-controls') private controls!: ElCurveControls | null

  /** The feed connection and the timeline it holds. */
  bridge!: BridgeController
  /** Token from the page URL, passed to /ws and /api. */
  readonly token = tokenFromSearch(globalThis.location?.search ?? '')

  private series: CurveSeries = { fused: [], audio: [], lyrics: [] }
  private seriesKey = ''
  private readoutTimer: ReturnType<typeof setInterval> | null = null
  private presetsProbed = false

  override connectedCallback(): void {
    // The controller must exist before Lit calls hostConnected on its controllers.
    if (!this.bridge) {
      const url = this.feedUrl || feedUrl(globalThis.location ?? { protocol: 'http:', host: '127.0.0.1:8080' }, this.token)
      this.bridge = new BridgeController(this, { url })
    }
    super.connectedCallback()
    this.readoutTimer = setInterval(() => {
      const t = this.bridge.state.playhead(this.bridge.now())
      if (Math.abs(t - this.readoutTime) > 1e-3) this.readoutTime = t
    }, READOUT_MS)
    this.addEventListener('keydown', this.onKey)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    if (this.readoutTimer) clearInterval(this.readoutTimer)
    this.readoutTimer = null
    this.removeEventListener('keydown', this.onKey)
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const st = this.bridge.state
    const key = `${st.framesRevision}|${this.settings.smoothing}`
    if (key !== this.seriesKey) {
      this.series = smoothFrames(st.frames, this.settings.smoothing)
      this.seriesKey = key
    }
    if (this.bridge.connection === 'open' && !this.presetsProbed) {
      this.presetsProbed = true
      void this.loadPresets()
    }
    void changed
  }

  protected override updated(): void {
    const st = this.bridge.state
    this.dataset.connection = this.bridge.connection
    this.dataset.frames = String(st.frames.length)
    this.dataset.snapshots = String(st.snapshots)
    this.dataset.reconnects = String(this.bridge.reconnects)
  }

  override render() {
    const b = this.bridge
    const st = b.state
    const status = st.status
    const conflict = this.currentConflict()
    const now = pointAt(this.series.fused, this.readoutTime)
    return html`<header>
        <h1>emolane <small>${st.source && st.source !== 'live' ? st.source : 'live'}</small></h1>
        <el-status-bar
          .connection=${{
            state: b.connection,
            attempt: b.attempt,
            nextRetryAt: b.nextRetryAt,
            lostAt: b.lostAt,
            everOpen: st.snapshots > 0,
            reconnects: b.reconnects,
            problem: b.lastProblem,
          }}
          .status=${status}
          .error=${st.errors[st.errors.length - 1] ?? null}
          .clock=${() => b.now()}
          @el-retry-request=${() => b.retryNow()}
        ></el-status-bar>
      </header>
      <el-curve-controls
        .settings=${this.settings}
        .presets=${this.presets}
        .preset=${status?.preset?.name ?? ''}
        .presetLocked=${this.presetLocked}
        @el-settings-change=${this.onSettings}
        @el-preset-change=${this.onPreset}
        @el-export-request=${this.openExport}
      ></el-curve-controls>
      <main>
        <div>
          <el-timeline
            .frames=${st.frames}
            .revision=${st.framesRevision}
            .hop=${st.hop}
            .window=${st.window}
            .lookahead=${st.status?.lookahead ?? null}
            .sections=${st.sections}
            .conflicts=${st.conflicts}
            .lyrics=${st.lyrics}
            .extent=${st.extent()}
            .transport=${st.transport}
            .settings=${this.settings}
            .clock=${() => b.now()}
            ?stale=${b.connection !== 'open'}
            @el-conflict-open=${(e: CustomEvent<{ section: string; start: number }>) => this.showConflict(e.detail)}
          ></el-timeline>
          <el-conflict-card .conflict=${conflict} @el-conflict-close=${this.closeConflict}></el-conflict-card>
          ${st.summary
            ? html`<div class="summary">
                Whole song: ${POLARITY_GLYPHS[st.summary.label]} ${st.summary.label}, valence ${formatSigned(st.summary.valence)}, arousal
                ${formatSigned(st.summary.arousal)}, ${formatPercent(st.summary.confidence)} sure · ${st.conflicts.length}
                conflict${st.conflicts.length === 1 ? '' : 's'}
              </div>`
            : nothing}
          <el-section-table
            .sections=${st.sections}
            .conflicts=${st.conflicts}
            @el-conflict-open=${(e: CustomEvent<{ section: string; start: number }>) => this.showConflict(e.detail)}
          ></el-section-table>
        </div>
        <aside aria-label="Now">
          <el-va-plane .points=${this.series.fused} .playhead=${this.readoutTime}></el-va-plane>
          <div>
            ${now
              ? html`<dl class="now" aria-label="Reading under the play head">
                  <dt>Polarity</dt>
                  <dd>${POLARITY_GLYPHS[now.label]} ${now.label} (${formatPercent(now.confidence)} sure)</dd>
                  <dt>Valence</dt>
                  <dd>${formatSigned(now.valence)}</dd>
                  <dt>Arousal</dt>
                  <dd>${formatSigned(now.arousal)}</dd>
                  <dt>Mood</dt>
                  <dd>${describeMood(now.valence, now.arousal)}</dd>
                </dl>`
              : html`<p class="legend">No reading under the play head yet.</p>`}
            <p class="legend">
              <span style="color:var(--el-positive)">▲ positive</span> · <span style="color:var(--el-neutral)">● neutral</span> ·
              <span style="color:var(--el-negative)">▼ negative</span><br />
              solid: fused · dashed: audio only · dotted: lyrics only<br />
              band width: confidence · <span style="color:var(--el-conflict)">⚡</span> lyrics and music disagree
            </p>
          </div>
        </aside>
      </main>
      <el-export-dialog
        .formats=${this.exportOptions?.formats ?? []}
        .mappings=${this.exportOptions?.mappings ?? []}
        .token=${this.token}
        .problem=${this.exportProblem}
      ></el-export-dialog>`
  }

  private currentConflict(): Conflict | null {
    const open = this.openConflict
    if (!open) return null
    const cs = this.bridge.state.conflicts
    return cs.find((c) => c.section === open.section && Math.abs(c.start - open.start) < 1) ?? cs.find((c) => c.section === open.section) ?? null
  }

  private async showConflict(detail: { section: string; start: number }): Promise<void> {
    this.openConflict = detail
    await this.updateComplete
    await this.conflictCard?.updateComplete
    this.conflictCard?.focus()
  }

  private closeConflict = () => {
    this.openConflict = null
    this.timeline?.focus()
  }

  private onSettings = (e: CustomEvent<CurveSettings>) => {
    this.settings = e.detail
    try {
      globalThis.localStorage?.setItem(SETTINGS_KEY, JSON.stringify(e.detail))
    } catch {
      // Private windows may refuse storage; the settings still apply to this session.
    }
  }

  private onPreset = async (e: CustomEvent<{ preset: string }>) => {
    try {
      const chosen = await selectPreset(fetch, this.token, e.detail.preset)
      // the preset's curve smoothing becomes the panel's (the slider stays the user's to change)
      if (chosen.smoothingSeconds !== null) this.onSettings(new CustomEvent('el-settings-change', { detail: { ...this.settings, smoothing: Math.min(MAX_SMOOTHING, chosen.smoothingSeconds) } }))
    } catch (err) {
      this.presetLocked = err instanceof Error ? err.message : String(err)
    }
  }

  private openExport = async () => {
    if (!this.exportOptions) await this.loadOptions()
    await this.exportDialog?.show()
  }

  /** Asks the bridge what it exports (on first use of the dialog: most sessions never export). */
  private async loadOptions(): Promise<void> {
    try {
      this.exportOptions = await fetchExportOptions(fetch, this.token)
      this.exportProblem = ''
    } catch (err) {
      this.exportProblem = `Export is unavailable: ${err instanceof Error ? err.message : String(err)}`
    }
  }

  /** Asks the bridge which analysis presets it can switch to; a bridge that cannot keeps the picker read-only. */
  private async loadPresets(): Promise<void> {
    try {
      const list = await fetchPresets(fetch, this.token)
      this.presets = list.presets
      this.presetLocked = list.locked ?? ''
    } catch {
      this.presets = []
    }
  }

  private onKey = (ev: KeyboardEvent) => {
    const target = ev.composedPath()[0]
    if (target instanceof HTMLElement && target.matches('input, select, textarea, [contenteditable]')) return
    if (ev.altKey && !ev.ctrlKey && !ev.metaKey) {
      const toggles: Record<string, 'valence' | 'arousal' | 'audio' | 'lyrics' | 'band'> = { v: 'valence', a: 'arousal', m: 'audio', l: 'lyrics', b: 'band' }
      // Alt+letter gives a composed character on macOS: read the physical key.
      const key = ev.code.startsWith('Key') ? ev.code.slice(3).toLowerCase() : ev.key.toLowerCase()
      const which = toggles[key]
      if (which) {
        this.controls?.toggle(which)
        ev.preventDefault()
      }
      return
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return
    if (ev.key === 'e' || ev.key === 'E') {
      void this.openExport()
      ev.preventDefault()
    } else if (ev.key === 't' || ev.key === 'T') {
      this.timeline?.renderRoot.querySelector<HTMLElement>('.frame')?.focus()
      ev.preventDefault()
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emolane-panel': EmolanePanel
  }
}
