/** The export dialog: pick a file format and an automation mapping, fetch the file from the bridge, download it. */
import { LitElement, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { apiUrl } from './bridge-url.js'
import { exportDialogStyles } from './el-export-dialog.styles.js'
import { emit } from './emit.js'

/** An export format the bridge writes. */
export type ExportFormat = { id: string; label: string }
/** An automation mapping the bridge knows. */
export type ExportMapping = { name: string; description?: string }

type Phase = { kind: 'idle' } | { kind: 'working' } | { kind: 'done'; filename: string; bytes: number } | { kind: 'error'; message: string }

/** The file name from a Content-Disposition header, or null. */
export function dispositionFilename(header: string | null): string | null {
  if (!header) return null
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim())
    } catch {
      // Fall through to the plain filename.
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header)
  return plain ? plain[1]!.trim() : null
}

/**
 * A modal dialog (native <dialog>: Escape closes it, focus stays inside).
 * @event el-export - a file was downloaded; detail `{ to, mapping, filename, bytes }`
 * @event el-export-error - the bridge refused or failed; detail `{ to, mapping, message }`
 */
@customElement('el-export-dialog')
export class ElExportDialog extends LitElement {
  static override styles = exportDialogStyles

  /** Formats to offer. */
  @property({ attribute: false }) formats: readonly ExportFormat[] = []
  /** Mappings to offer. */
  @property({ attribute: false }) mappings: readonly ExportMapping[] = []
  /** Why the formats and mappings could not be listed (shown in the dialog), or empty. */
  @property() problem = ''
  /** Access token for the bridge's API, null when none is needed. */
  @property({ attribute: false }) token: string | null = null
  /** Fetch used for the export request (tests pass their own). */
  @property({ attribute: false }) fetcher: typeof fetch = (...args) => fetch(...args)

  @state() private to = ''
  @state() private mapping = ''
  @state() private phase: Phase = { kind: 'idle' }

  @query('dialog') private dialog!: HTMLDialogElement | null

  /** Opens the dialog as a modal. */
  async show(): Promise<void> {
    await this.updateComplete
    this.phase = { kind: 'idle' }
    const d = this.dialog
    if (!d || d.open) return
    if (typeof d.showModal === 'function') d.showModal()
    else d.setAttribute('open', '')
  }

  /** Closes the dialog. */
  close(): void {
    this.dialog?.close?.()
  }

  /** Whether the dialog is open. */
  get open(): boolean {
    return Boolean(this.dialog?.open)
  }

  override render() {
    const to = this.to || this.formats[0]?.id || ''
    const mapping = this.mapping || this.mappings[0]?.name || ''
    const description = this.mappings.find((m) => m.name === mapping)?.description
    const p = this.phase
    return html`<dialog aria-labelledby="export-title">
      <form method="dialog" @submit=${(e: Event) => this.onSubmit(e, to, mapping)}>
        <h2 id="export-title">Export automation</h2>
        <label>
          Format
          <select name="to" .value=${to} @change=${(e: Event) => (this.to = (e.target as HTMLSelectElement).value)}>
            ${this.formats.map((f) => html`<option value=${f.id} ?selected=${f.id === to}>${f.label}</option>`)}
          </select>
        </label>
        <label>
          Mapping
          <select name="mapping" .value=${mapping} @change=${(e: Event) => (this.mapping = (e.target as HTMLSelectElement).value)}>
            ${this.mappings.map((m) => html`<option value=${m.name} ?selected=${m.name === mapping}>${m.name}</option>`)}
          </select>
        </label>
        ${description ? html`<p class="hint">${description}</p>` : nothing}
        ${this.problem ? html`<p class="result error" role="alert">${this.problem}</p>` : nothing}
        ${p.kind === 'done' ? html`<p class="result" role="status">Downloaded ${p.filename} (${p.bytes.toLocaleString()} bytes).</p>` : nothing}
        ${p.kind === 'error' ? html`<p class="result error" role="alert">${p.message}</p>` : nothing}
        <div class="row">
          <button type="button" @click=${() => this.close()}>Close</button>
          <button type="submit" class="primary" ?disabled=${p.kind === 'working' || !to || !mapping}>
            ${p.kind === 'working' ? 'Exporting…' : 'Download'}
          </button>
        </div>
      </form>
    </dialog>`
  }

  private async onSubmit(e: Event, to: string, mapping: string): Promise<void> {
    e.preventDefault()
    this.phase = { kind: 'working' }
    try {
      const res = await this.fetcher(apiUrl('/api/export', { to, mapping }, this.token))
      if (!res.ok) {
        const body = await res.text().catch(() => '')
        let message = body
        try {
          // The bridge answers { error: { code, message } }; accept a bare string or message too.
          const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown }
          const err = parsed.error
          message = String((typeof err === 'object' && err !== null ? err.message : err) ?? parsed.message ?? body)
        } catch {
          // Plain-text error body.
        }
        throw new Error(`the bridge answered ${res.status}${message ? `: ${message}` : ''}`)
      }
      const blob = await res.blob()
      const filename = dispositionFilename(res.headers.get('content-disposition')) ?? `emolane-${mapping}.${to}`
      this.download(blob, filename)
      this.phase = { kind: 'done', filename, bytes: blob.size }
      emit(this, 'el-export', { to, mapping, filename, bytes: blob.size })
    } catch (err) {
      const message = `Export failed: ${err instanceof Error ? err.message : String(err)}`
      this.phase = { kind: 'error', message }
      emit(this, 'el-export-error', { to, mapping, message })
    }
  }

  private download(blob: Blob, filename: string): void {
    const url = URL.createObjectURL(blob)
    const a = document.createElement('a')
    a.href = url
    a.download = filename
    a.style.display = 'none'
    document.body.append(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'el-export-dialog': ElExportDialog
  }
}
