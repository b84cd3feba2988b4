/** Reads and changes the bridge's analysis preset over its HTTP API. */
import { apiUrl } from './bridge-url.js'

/** The presets the bridge offers; `locked` says why they cannot be changed, when they cannot. */
export type PresetList = { presets: string[]; current: string | null; locked?: string }

/** Lists the bridge's analysis presets. */
export async function fetchPresets(fetcher: typeof fetch, token: string | null): Promise<PresetList> {
  const url = apiUrl('/api/presets', {}, token)
  const res = await fetcher(url)
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`)
  const body = (await res.json()) as { presets?: unknown; current?: unknown; locked?: unknown }
  const presets = Array.isArray(body.presets) ? body.presets.filter((p): p is string => typeof p === 'string') : []
  return {
    presets,
    current: typeof body.current === 'string' ? body.current : null,
    locked: typeof body.locked === 'string' ? body.locked : undefined,
  }
}

/** What the bridge says of the preset it switched to (the fields the panel uses). */
export type SelectedPreset = { name: string; smoothingSeconds: number | null }

/** Asks the bridge to analyse with `preset` from now on; throws with the bridge's reason when it refuses. */
export async function selectPreset(fetcher: typeof fetch, token: string | null, preset: string): Promise<SelectedPreset> {
  const url = apiUrl('/api/preset', {}, token)
  const res = await fetcher(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ preset }) })
  if (!res.ok) throw new Error(`the bridge refused preset ${JSON.stringify(preset)}: ${res.status} ${await res.text().catch(() => '')}`.trim())
  const body = (await res.json().catch(() => ({}))) as { preset?: { name?: unknown; smoothingSeconds?: unknown } }
  const smoothing = body.preset?.smoothingSeconds
  return { name: typeof body.preset?.name === 'string' ? body.preset.name : preset, smoothingSeconds: typeof smoothing === 'number' && Number.isFinite(smoothing) ? smoothing : null }
}
