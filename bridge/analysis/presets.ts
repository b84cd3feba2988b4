/** Analysis presets: presets/analysis/<name>.json (hop, smoothing, conflict threshold, section length, audio path). */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { packageRoot } from '../engine/model-dir.js'
import type { Probability, Seconds } from './types.js'

/** How the audio encoder is run offline: once over long stretches then sliced, or once per window. */
export type AudioPath = 'fast' | 'window'

/** An analysis preset as stored in presets/analysis/*.json. */
export type AnalysisPreset = {
  name: string
  description: string
  /** Seconds between readings; a multiple of the model's 0.5 s state for the fast path. */
  hopSeconds: Seconds
  /** Width of the Gaussian smoothing for curves (CSV, automation, panel); 0 = raw. */
  smoothingSeconds: Seconds
  /** A section is a conflict when its score reaches this (0..1). */
  conflictThreshold: Probability
  /** Shortest section found from the audio. */
  minSectionSeconds: Seconds
  audioPath: AudioPath
}

/** Shortest time between readings a preset may ask for, seconds. */
export const MIN_HOP: Seconds = 0.1

/** The built-in default, identical to presets/analysis/default.json (used when no file is found). */
export const defaultPreset: AnalysisPreset = {
  name: 'default',
  description: 'Balanced: a reading every 0.5 s, curves smoothed over 2 s, sections of 8 s or more when found from the audio.',
  hopSeconds: 0.5,
  smoothingSeconds: 2,
  conflictThreshold: 0.15,
  minSectionSeconds: 8,
  audioPath: 'fast',
}

/** The folder holding the analysis presets. */
export function presetDir(): string {
  return join(packageRoot(), 'presets', 'analysis')
}

/** Names of the available presets. */
export async function listPresets(dir = presetDir()): Promise<string[]> {
  const files = await readdir(dir).catch(() => [] as string[])
  return files.filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort()
}

/** Loads a preset by name (or a path to a .json file) and checks every field. */
export async function loadPreset(nameOrPath = 'default', dir = presetDir()): Promise<AnalysisPreset> {
  const path = nameOrPath.endsWith('.json') ? nameOrPath : join(dir, `${nameOrPath}.json`)
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(path, 'utf8'))
  } catch (cause) {
    const names = await listPresets(dir)
    throw new Error(`analysis preset ${JSON.stringify(nameOrPath)} cannot be read from ${path} (available: ${names.join(', ') || 'none'})`, { cause })
  }
  return validatePreset(raw, path)
}

/** Checks a parsed preset; missing fields take the default's values. */
export function validatePreset(raw: unknown, where = 'preset'): AnalysisPreset {
  if (typeof raw !== 'object' || raw === null) throw new TypeError(`${where}: expected a JSON object`)
  const p = { ...defaultPreset, ...(raw as Partial<AnalysisPreset>) }
  const positive = (key: keyof AnalysisPreset, max: number) => {
    const v = p[key] as number
    if (typeof v !== 'number' || !(v > 0) || v > max) throw new RangeError(`${where}: ${key} must be a number in (0, ${max}], got ${JSON.stringify(v)}`)
  }
  // each reading runs the model on a window: finer than MIN_HOP only multiplies the work (0.001 s gave 30,000 readings for 30 s)
  if (typeof p.hopSeconds !== 'number' || !(p.hopSeconds >= MIN_HOP && p.hopSeconds <= 60)) {
    throw new RangeError(`${where}: hopSeconds must be a number in [${MIN_HOP}, 60] seconds, got ${JSON.stringify(p.hopSeconds)}`)
  }
  positive('minSectionSeconds', 600)
  if (typeof p.smoothingSeconds !== 'number' || p.smoothingSeconds < 0 || p.smoothingSeconds > 60) {
    throw new RangeError(`${where}: smoothingSeconds must be a number in [0, 60], got ${JSON.stringify(p.smoothingSeconds)}`)
  }
  if (typeof p.conflictThreshold !== 'number' || !(p.conflictThreshold > 0 && p.conflictThreshold <= 1)) {
    throw new RangeError(`${where}: conflictThreshold must be in (0, 1], got ${JSON.stringify(p.conflictThreshold)}`)
  }
  if (p.audioPath !== 'fast' && p.audioPath !== 'window') throw new RangeError(`${where}: audioPath must be "fast" or "window", got ${JSON.stringify(p.audioPath)}`)
  return p
}
