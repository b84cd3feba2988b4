/**
 * Live-write dialects (presets/live/*.json): how a DAW's OSC surface takes a parameter value.
 * An address and its arguments are templates: `{value}` is the mapped value scaled to the dialect's
 * range, `{track}`, `{fx}`, `{device}`, `{param}` come from the lane's target, `{lane}` is the lane's
 * 1-based index. An argument is a number, "{value}" (typed by `value.type`), or "i:…", "f:…", "s:…".
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { presetsDir } from '../presets-dir.js'
import type { OscArgument } from './osc-message.js'
import { fsReason } from '../../io/fs-error.js'

/** A message template: address and argument templates. */
export type MessageTemplate = { address: string; args?: (string | number)[] }

/** Where one lane writes: placeholder values, and optionally its own value range. */
export type LiveTarget = { [placeholder: string]: number } & { min?: number; max?: number }

/** A dialect file. */
export type LiveDialectSpec = {
  /** Short name, e.g. 'reaper' */
  name: string
  /** The DAW and the OSC surface it needs, for people */
  daw: string
  description?: string
  /** Where the DAW listens, default 127.0.0.1 */
  host?: string
  /** UDP port the DAW's OSC surface listens on */
  port: number
  /** Most messages per second per lane, default 20 */
  rateHz?: number
  /** Type and range of {value}: the lane's 0..1 maps onto min..max */
  value: { type: 'f' | 'i'; min: number; max: number }
  /** The message that writes a lane's value */
  send: MessageTemplate
  /** Sent once per lane when playback starts (e.g. "touch" the parameter) */
  onPlay?: MessageTemplate[]
  /** Sent once per lane when playback stops (e.g. release the touch) */
  onStop?: MessageTemplate[]
  /** Placeholder values every lane shares unless its target says otherwise */
  defaults?: { [placeholder: string]: number }
  /** Lane i without an entry in `targets` writes param = paramBase + i */
  paramBase?: number
  /** Per-lane targets, in the mapping's lane order */
  targets?: LiveTarget[]
}

/** A dialect with defaults filled in and templates checked. */
export type LiveDialect = Required<Omit<LiveDialectSpec, 'description'>> & { description: string }

/** A dialect that cannot be used: bad template, port, range. */
export class DialectError extends Error {
  override name = 'DialectError'
}

const dialectDefaults = { host: '127.0.0.1', rateHz: 20, onPlay: [] as MessageTemplate[], onStop: [] as MessageTemplate[], defaults: {}, paramBase: 1, targets: [] as LiveTarget[] }

const PLACEHOLDER = /\{([a-z]+)\}/g

function checkTemplate(t: unknown, where: string): MessageTemplate {
  if (typeof t !== 'object' || t === null || typeof (t as MessageTemplate).address !== 'string' || !(t as MessageTemplate).address.startsWith('/')) {
    throw new DialectError(`${where} must be {"address": "/...", "args": [...]}, got ${JSON.stringify(t)}`)
  }
  const { address, args = [] } = t as MessageTemplate
  if (!Array.isArray(args)) throw new DialectError(`${where}.args must be an array, got ${JSON.stringify(args)}`)
  for (const a of args) {
    if (typeof a === 'number' && Number.isFinite(a)) continue
    if (typeof a === 'string' && (a === '{value}' || /^[ifs]:/.test(a))) continue
    throw new DialectError(`${where}: argument ${JSON.stringify(a)} must be a number, "{value}", or "i:…", "f:…", "s:…"`)
  }
  return { address, args }
}

/** Checks a dialect and fills in its defaults. */
export function resolveDialect(raw: unknown): LiveDialect {
  if (typeof raw !== 'object' || raw === null) throw new DialectError(`a live dialect must be a JSON object, got ${JSON.stringify(raw)}`)
  const d = { ...dialectDefaults, ...(raw as LiveDialectSpec) }
  const name = typeof d.name === 'string' && d.name ? d.name : null
  if (!name) throw new DialectError(`a live dialect needs a "name", got ${JSON.stringify(d.name)}`)
  const where = `live dialect ${name}`
  if (typeof d.daw !== 'string') throw new DialectError(`${where}: "daw" must name the DAW, got ${JSON.stringify(d.daw)}`)
  if (!Number.isInteger(d.port) || d.port < 1 || d.port > 65535) throw new DialectError(`${where}: port must be an integer in [1, 65535], got ${JSON.stringify(d.port)}`)
  if (typeof d.host !== 'string' || !d.host) throw new DialectError(`${where}: host must be a host name or address, got ${JSON.stringify(d.host)}`)
  if (typeof d.rateHz !== 'number' || !(d.rateHz >= 0.5 && d.rateHz <= 200)) throw new DialectError(`${where}: rateHz must be in [0.5, 200], got ${JSON.stringify(d.rateHz)}`)
  const v = d.value
  if (!v || (v.type !== 'f' && v.type !== 'i') || !Number.isFinite(v.min) || !Number.isFinite(v.max) || v.min === v.max) {
    throw new DialectError(`${where}: value must be {"type": "f"|"i", "min": number, "max": number} with min != max, got ${JSON.stringify(v)}`)
  }
  const send = checkTemplate(d.send, `${where}: send`)
  if (!JSON.stringify(send).includes('{value}')) throw new DialectError(`${where}: send must carry {value} in its address or arguments`)
  const onPlay = (d.onPlay ?? []).map((t, i) => checkTemplate(t, `${where}: onPlay[${i}]`))
  const onStop = (d.onStop ?? []).map((t, i) => checkTemplate(t, `${where}: onStop[${i}]`))
  if (!Array.isArray(d.targets)) throw new DialectError(`${where}: targets must be an array of per-lane objects, got ${JSON.stringify(d.targets)}`)
  return { name, daw: d.daw, description: d.description ?? '', host: d.host, port: d.port, rateHz: d.rateHz, value: { type: v.type, min: v.min, max: v.max }, send, onPlay, onStop, defaults: d.defaults ?? {}, paramBase: d.paramBase, targets: d.targets }
}

/** The placeholder values lane `index` (0-based) writes to: defaults, then param = paramBase + index, then its target. */
export function laneTarget(dialect: LiveDialect, index: number): LiveTarget {
  return { ...dialect.defaults, param: dialect.paramBase + index, lane: index + 1, ...(dialect.targets[index] ?? {}) }
}

/** Fills a message template for a lane; `value` is the scaled value (omitted for onPlay/onStop messages without {value}). */
export function fillTemplate(t: MessageTemplate, target: LiveTarget, value: number | null, valueType: 'f' | 'i'): { address: string; args: OscArgument[] } {
  const lookup = (name: string): number => {
    if (name === 'value') {
      if (value === null) throw new DialectError(`{value} is not available in this message (${t.address})`)
      return value
    }
    const x = target[name]
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new DialectError(`placeholder {${name}} in ${t.address} has no value for this lane; set it in the dialect's "defaults" or "targets"`)
    return x
  }
  const address = t.address.replace(PLACEHOLDER, (_, name: string) => String(lookup(name)))
  const args: OscArgument[] = (t.args ?? []).map((a) => {
    if (typeof a === 'number') return Number.isInteger(a) ? { type: 'i', value: a } : { type: 'f', value: a }
    if (a === '{value}') return valueType === 'i' ? { type: 'i', value: Math.round(lookup('value')) } : { type: 'f', value: lookup('value') }
    const type = a[0] as 'i' | 'f' | 's'
    const body = a.slice(2)
    if (type === 's') return { type: 's', value: body.replace(PLACEHOLDER, (_, name: string) => String(lookup(name))) }
    const m = /^\{([a-z]+)\}$/.exec(body)
    const n = m ? lookup(m[1]!) : Number(body)
    if (!Number.isFinite(n)) throw new DialectError(`argument ${JSON.stringify(a)} in ${t.address} is not a number or placeholder`)
    return type === 'i' ? { type: 'i', value: Math.round(n) } : { type: 'f', value: n }
  })
  return { address, args }
}

/** Every preset dialect, sorted by name. */
export async function listDialects(): Promise<LiveDialect[]> {
  const dir = presetsDir('live')
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort()
  return Promise.all(files.map((f) => loadDialectFile(join(dir, f))))
}

async function loadDialectFile(path: string): Promise<LiveDialect> {
  let json: unknown
  try {
    json = JSON.parse(await readFile(path, 'utf8'))
  } catch (cause) {
    throw new DialectError(`cannot read live dialect ${path}: ${fsReason(cause)}`, { cause })
  }
  return resolveDialect(json)
}

/** A dialect by preset name ('reaper', 'ableton', 'bitwig'), path to a .json file, or object. */
export async function loadDialect(dialect: string | LiveDialectSpec): Promise<LiveDialect> {
  if (typeof dialect !== 'string') return resolveDialect(dialect)
  if (dialect.endsWith('.json') || dialect.includes('/') || dialect.includes('\\')) return loadDialectFile(dialect)
  const all = await listDialects()
  const found = all.find((d) => d.name === dialect)
  if (!found) throw new DialectError(`unknown live dialect ${JSON.stringify(dialect)}; presets are ${all.map((d) => d.name).join(', ')} (or give a path to a .json dialect file)`)
  return found
}
