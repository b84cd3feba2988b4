/** Status: the feed connection, which model runs where, the analysis preset, and whether inference keeps up. */
import { LitElement, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import type { BridgeErrorInfo, BridgeStatus } from '../bridge/server/protocol.js'
import type { ConnectionState } from './bridge-controller.js'
import { statusBarStyles } from './el-status-bar.styles.js'
import { emit } from './emit.js'

/** What the status bar is told about the connection. */
export type ConnectionInfo = {
  state: ConnectionState
  /** Failed attempts since the last good connection. */
  attempt: number
  /** Local ms of the next try, while reconnecting. */
  nextRetryAt: number | null
  /** Local ms the bridge went away (null while connected). */
  lostAt: number | null
  /** Whether the feed was ever open (a lost bridge, not a missing one). */
  everOpen: boolean
  /** Times the feed came back. */
  reconnects: number
  problem: string | null
}

const seconds = (ms: number) => `${Math.max(0, Math.ceil(ms / 1000))} s`

/**
 * A polite live region: announces the connection changes, not every status tick.
 * @event el-retry-request - the user asked to reconnect now
 */
@customElement('el-status-bar')
export class ElStatusBar extends LitElement {
  static override styles = statusBarStyles

  /** The feed connection. */
  @property({ attribute: false }) connection: ConnectionInfo = {
    state: 'connecting',
    attempt: 0,
    nextRetryAt: null,
    lostAt: null,
    everOpen: false,
    reconnects: 0,
    problem: null,
  }
  /** The bridge's last status, null before the first. */
  @property({ attribute: false }) status: BridgeStatus | null = null
  /** The bridge's last reported error. */
  @property({ attribute: false }) error: BridgeErrorInfo | null = null
  /** Local clock in ms (the controller's). */
  @property({ attribute: false }) clock: () => number = () => performance.now()

  private timer: ReturnType<typeof setInterval> | null = null

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.stopTimer()
  }

  protected override updated(): void {
    // Count down to the next retry once a second while the bridge is away.
    if (this.connection.state === 'reconnecting' && !this.timer) this.timer = setInterval(() => this.requestUpdate(), 1000)
    if (this.connection.state !== 'reconnecting') this.stopTimer()
  }

  override render() {
    const c = this.connection
    const s = this.status
    return html`<div class="bar">
      <span class="conn" data-connection=${c.state}><span class="dot" aria-hidden="true"></span>${this.connectionText()}</span>
      <span class="sr" role="status" aria-live="polite">${this.announcement()}</span>
      ${c.state === 'reconnecting' ? html`<button @click=${() => emit(this, 'el-retry-request', {})}>Retry now</button>` : nothing}
      ${s
        ? html`<span class="facts ${c.state === 'open' ? '' : 'stale'}" title=${c.state === 'open' ? '' : 'as last reported before the bridge went away'}>
            <span class="item" data-model>
              model <b>${s.model.name} ${s.model.version}</b>
              <span class="badge ${s.model.trained ? 'trained' : 'untrained'}" title=${s.model.trained ? 'trained weights' : 'untrained weights: readings are not meaningful'}
                >${s.model.trained ? 'trained' : 'untrained'}</span
              >
            </span>
            ${s.preset
              ? html`<span class="item" data-preset title=${s.preset.description ?? ''}>preset <b>${s.preset.name}</b></span>`
              : nothing}
            <span class="item" data-device title=${s.model.fallback ?? ''}>on <b>${s.model.device}</b>${s.model.fallback ? html` (${s.model.requested} did not load)` : nothing}</span>
            <span class="item ${s.keepingUp ? '' : 'behind'}" data-keeping-up=${String(s.keepingUp)}>
              ${s.keepingUp ? html`<b>keeping up</b>` : html`<b class="behind">falling behind</b>`} · ${s.pending} pending${s.coalesced ? html` · ${s.coalesced} skipped` : nothing}
              ${s.latencyMs !== null && Number.isFinite(s.latencyMs) ? html` · ${Math.round(s.latencyMs)} ms` : nothing}
            </span>
            <span class="item">project <b>${s.project}</b></span>
          </span>`
        : nothing}
      ${c.problem && c.state !== 'open' ? html`<span class="problem">${c.problem}</span>` : nothing}
      ${this.error ? html`<span class="problem" title=${this.error.time}>bridge: ${this.error.code}: ${this.error.message}</span>` : nothing}
    </div>`
  }

  private connectionText(): string {
    const c = this.connection
    const now = this.clock()
    switch (c.state) {
      case 'open':
        return c.reconnects > 0 ? `Live (reconnected ×${c.reconnects})` : 'Live'
      case 'connecting':
        return 'Connecting…'
      case 'closed':
        return 'Disconnected'
      case 'reconnecting': {
        const retry = c.nextRetryAt !== null && c.nextRetryAt > now ? `retrying in ${seconds(c.nextRetryAt - now)}` : 'retrying now'
        const gone = c.everOpen ? `Bridge gone${c.lostAt !== null ? ` for ${seconds(now - c.lostAt)}` : ''}` : 'No bridge answering'
        return `${gone}: ${retry} (attempt ${c.attempt})`
      }
    }
  }

  /** Coarse words for screen readers: changes with the state, not with every countdown tick. */
  private announcement(): string {
    const c = this.connection
    if (c.state === 'open') return 'Bridge connected'
    if (c.state === 'reconnecting') return c.everOpen ? 'Bridge gone, reconnecting' : 'No bridge answering, retrying'
    return c.state === 'connecting' ? 'Connecting to the bridge' : 'Disconnected'
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'el-status-bar': ElStatusBar
  }
}
