/** What the export dialog offers: the formats and mappings, as the bridge lists them. */
import { apiUrl } from './bridge-url.js'
import type { ExportFormat, ExportMapping } from './el-export-dialog.js'
import { BUILT_IN_FORMATS, BUILT_IN_MAPPINGS } from './export-presets.js'

/** Formats and mappings to offer in the export dialog, and whether the bridge listed them or the panel's built-ins stand in. */
export type ExportOptions = { formats: ExportFormat[]; mappings: ExportMapping[]; source: 'bridge' | 'built-in' }

const asFormats = (xs: unknown): ExportFormat[] =>
  Array.isArray(xs)
    ? xs.flatMap((x): ExportFormat[] => {
        if (typeof x === 'string') return [{ id: x, label: x }]
        if (x && typeof x === 'object' && typeof (x as { id?: unknown }).id === 'string') {
          const f = x as { id: string; label?: unknown; description?: unknown }
          return [{ id: f.id, label: typeof f.label === 'string' ? f.label : typeof f.description === 'string' ? `${f.id}: ${f.description}` : f.id }]
        }
        return []
      })
    : []

const asMappings = (xs: unknown): ExportMapping[] =>
  Array.isArray(xs)
    ? xs.flatMap((x): ExportMapping[] => {
        if (typeof x === 'string') return [{ name: x }]
        if (x && typeof x === 'object' && typeof (x as { name?: unknown }).name === 'string') {
          const m = x as { name: string; description?: unknown }
          return [{ name: m.name, description: typeof m.description === 'string' ? m.description : undefined }]
        }
        return []
      })
    : []

/** Parses the bridge's list of export formats and mappings; throws a TypeError when it holds neither. */
export function parseExportOptions(body: unknown): ExportOptions {
  const o = (body ?? {}) as { formats?: unknown; mappings?: unknown }
  const options: ExportOptions = { formats: asFormats(o.formats), mappings: asMappings(o.mappings), source: 'bridge' }
  if (options.formats.length === 0 || options.mappings.length === 0) {
    throw new TypeError(`export options need formats and mappings, got ${options.formats.length} formats and ${options.mappings.length} mappings`)
  }
  return options
}

/** Asks the bridge which formats and mappings it can export; a bridge without that list (404) gets the built-ins. */
export async function fetchExportOptions(fetcher: typeof fetch, token: string | null): Promise<ExportOptions> {
  const url = apiUrl('/api/export/options', {}, token)
  const res = await fetcher(url)
  if (res.status === 404) return { formats: BUILT_IN_FORMATS, mappings: BUILT_IN_MAPPINGS, source: 'built-in' }
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`)
  return parseExportOptions(await res.json())
}
