/** Dispatches every panel event: one helper so each event bubbles out of shadow roots and carries the `el-` prefix. */

/** Event names the panel's elements send, with their detail shapes. */
export type PanelEvents = {
  /** The user zoomed or panned the timeline (never sent when code sets the view). */
  'el-view-change': { start: number; span: number; follow: boolean }
  /** The user opened a conflict's explanation. */
  'el-conflict-open': { section: string; start: number }
  /** The user closed a conflict's explanation. */
  'el-conflict-close': { section: string }
  /** The user asked to reconnect now instead of waiting for the next retry. */
  'el-retry-request': Record<string, never>
  /** The user changed the curve settings. */
  'el-settings-change': CurveSettings
  /** The user picked an analysis preset. */
  'el-preset-change': { preset: string }
  /** The user asked for the export dialog. */
  'el-export-request': Record<string, never>
  /** An export finished downloading. */
  'el-export': { to: string; mapping: string; filename: string; bytes: number }
  /** An export failed; `message` says why. */
  'el-export-error': { to: string; mapping: string; message: string }
}

/** What the curve shows, as chosen in the controls. */
export type CurveSettings = {
  /** Moving-average width in seconds; 0 shows the raw frames. */
  smoothing: number
  valence: boolean
  arousal: boolean
  /** The audio-only head's curves. */
  audio: boolean
  /** The lyrics-only head's curves. */
  lyrics: boolean
  /** The confidence band around the valence curve. */
  band: boolean
}

/** Dispatches `name` from `host` with `detail`; bubbles and crosses shadow roots. */
export function emit<K extends keyof PanelEvents>(host: EventTarget, name: K, detail: PanelEvents[K]): boolean {
  return host.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }))
}

declare global {
  interface HTMLElementEventMap {
    'el-view-change': CustomEvent<PanelEvents['el-view-change']>
    'el-conflict-open': CustomEvent<PanelEvents['el-conflict-open']>
    'el-conflict-close': CustomEvent<PanelEvents['el-conflict-close']>
    'el-retry-request': CustomEvent<PanelEvents['el-retry-request']>
    'el-settings-change': CustomEvent<PanelEvents['el-settings-change']>
    'el-preset-change': CustomEvent<PanelEvents['el-preset-change']>
    'el-export-request': CustomEvent<PanelEvents['el-export-request']>
    'el-export': CustomEvent<PanelEvents['el-export']>
    'el-export-error': CustomEvent<PanelEvents['el-export-error']>
  }
}
