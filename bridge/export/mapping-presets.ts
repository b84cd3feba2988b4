/** Mapping presets (presets/mappings/*.json) and user mapping files: list, load by name or path. */
import { readdir, readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { checkJsonDepth } from './json-depth.js'
import { MappingError, resolveMapping } from './mapping.js'
import { presetsDir } from './presets-dir.js'
import type { Mapping, ResolvedMapping } from './types.js'
import { fsReason } from '../io/fs-error.js'

/** A preset as listed for the CLI and the panel. */
export type MappingInfo = { name: string; description: string; lanes: { name: string; curve: string; cc: number; channel: number }[] }

async function parseFile(path: string): Promise<ResolvedMapping> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    throw new MappingError(`cannot read mapping file ${path}: ${fsReason(cause)}`, { cause })
  }
  checkJsonDepth(text, `mapping file ${path}`, (m) => new MappingError(m))
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    throw new MappingError(`mapping file ${path} is not valid JSON: ${(cause as Error).message}`, { cause })
  }
  try {
    return resolveMapping(json)
  } catch (err) {
    if (err instanceof MappingError) err.message = `${basename(path)}: ${err.message}`
    throw err
  }
}

/** Every preset mapping, sorted by name. */
export async function listMappings(): Promise<MappingInfo[]> {
  const dir = presetsDir('mappings')
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort()
  const mappings = await Promise.all(files.map((f) => parseFile(join(dir, f))))
  return mappings.map((m) => ({
    name: m.name,
    description: m.description,
    lanes: m.lanes.map((l) => ({ name: l.name, curve: l.curve, cc: l.target.cc, channel: l.target.channel })),
  }))
}

/** Default mapping when none is named: every main curve on its own CC. */
export const DEFAULT_MAPPING = 'all-curves'

/**
 * Resolves a mapping given as a preset name ('filter-arousal'), a path to a JSON file (anything with
 * a '/' or ending in .json) or an object; undefined means the default preset.
 */
export async function loadMapping(mapping: string | Mapping | undefined): Promise<ResolvedMapping> {
  if (mapping === undefined) return loadMapping(DEFAULT_MAPPING)
  if (typeof mapping !== 'string') return resolveMapping(mapping)
  if (mapping.endsWith('.json') || mapping.includes('/') || mapping.includes('\\')) return parseFile(mapping)
  return presetMapping(mapping, ' (or give a path to a .json mapping file)')
}

/** Resolves a preset mapping by name only (never a file path): safe for names that arrive over HTTP. */
export function loadPresetMapping(name: string): Promise<ResolvedMapping> {
  // over HTTP a path is never read, so the error does not suggest one
  return presetMapping(name, '')
}

/** A preset mapping by name; `alternative` ends the unknown-name error with what else the caller accepts. */
async function presetMapping(name: string, alternative: string): Promise<ResolvedMapping> {
  const mapping = name
  if (!/^[a-z0-9][a-z0-9_-]*$/i.test(mapping)) throw new MappingError(`mapping must be a preset name (see listMappings) or a mapping object, got ${JSON.stringify(mapping.slice(0, 80))}`)
  const path = join(presetsDir('mappings'), `${mapping}.json`)
  try {
    return await parseFile(path)
  } catch (err) {
    if (err instanceof MappingError && (err.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      const names = (await listMappings()).map((m) => m.name)
      throw new MappingError(`unknown mapping ${JSON.stringify(mapping)}; presets are ${names.join(', ')}${alternative}`)
    }
    throw err
  }
}
