/**
 * DAW dialects as JSON presets (presets/dialects/<name>.json): which UDP port the DAW sends to,
 * what to ask it for, and which of its OSC addresses mean song time, play state, tempo, markers,
 * regions and cue points.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../engine/model-dir.js'

/** What a DAW message means to the bridge. */
export const DIALECT_ACTIONS = [
  'time', // song position, number in the preset's timeUnit
  'time-text', // song position as text, e.g. "0.01.23:456" or "1:23.456"
  'playing', // truthy: playing, falsy: stopped
  'stopped', // truthy (or no argument): stopped
  'tempo', // beats per minute
  'region-name', // region slot (first * in the address): name
  'region-start', // region slot: start, in timeUnit
  'region-length', // region slot: length, in timeUnit
  'region-end', // region slot: end, in timeUnit
  'marker-name', // marker slot: name
  'marker-time', // marker slot: position, in timeUnit
  'cue-list', // all markers at once: name, time, name, time, ...
  'section', // start, end, name (seconds)
  'lyric', // start, end, text (seconds)
  'clear-lyrics',
] as const
export type DialectAction = (typeof DIALECT_ACTIONS)[number]

/** A message emolane sends to the DAW (subscriptions, refresh requests). */
export type DialectQuery = { address: string; args?: (number | string)[] }

export type DialectPreset = {
  /** Short name used on the command line (`--daw reaper`) */
  name: string
  /** One line for humans */
  description: string
  /** UDP port emolane listens on for this DAW's messages */
  listenPort: number
  /** Where queries go (host and UDP port the DAW listens on); absent for DAWs that only send */
  sendTo?: { host: string; port: number }
  /** Unit of the numeric times the DAW sends: seconds, or beats (quarter notes, converted with the tempo) */
  timeUnit: 'seconds' | 'beats'
  /** Messages to send on start and then every `everyMs` (0: once), e.g. AbletonOSC start_listen */
  queries: { everyMs: number; messages: DialectQuery[] }[]
  /** DAW address patterns (`*` matches one path segment) and what they mean */
  rules: { address: string; action: DialectAction }[]
  /** Marker and region names starting with one of these carry a lyric line, not a section (case-insensitive) */
  lyricPrefixes: string[]
  /** Whether markers (not only regions) mark sections when a project has no regions */
  markersAsSections: boolean
}

/** Names of the dialects shipped in presets/dialects. */
export const BUILTIN_DIALECTS = ['reaper', 'ableton', 'bitwig'] as const

/** The folder holding dialect presets. */
export function dialectDir(): string {
  return join(packageRoot(), 'presets', 'dialects')
}

/** Loads a built-in dialect by name, or a preset file by path (anything with a '/' or ending in .json). */
export function loadDialectPreset(nameOrPath: string): DialectPreset {
  const isPath = /[/\\]|\.json$/i.test(nameOrPath)
  const file = isPath ? nameOrPath : join(dialectDir(), `${nameOrPath}.json`)
  if (!existsSync(file)) {
    throw new RangeError(
      isPath ? `dialect preset ${file} does not exist` : `unknown DAW dialect ${JSON.stringify(nameOrPath)}; expected one of ${BUILTIN_DIALECTS.join(', ')} or a path to a preset .json`,
    )
  }
  let doc: unknown
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'))
  } catch (cause) {
    throw new TypeError(`dialect preset ${file} is not valid JSON: ${(cause as Error).message}`, { cause })
  }
  return parseDialectPreset(doc, file)
}

/** Checks a parsed preset; every problem is a TypeError naming the file and field. */
export function parseDialectPreset(doc: unknown, file = '<preset>'): DialectPreset {
  const fail = (field: string, want: string, got: unknown): never => {
    throw new TypeError(`dialect preset ${file}: ${field} must be ${want}, got ${JSON.stringify(got)?.slice(0, 60)}`)
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) fail('the document', 'an object', doc)
  const d = doc as Record<string, unknown>
  if (typeof d.name !== 'string' || !/^[a-z0-9-]+$/.test(d.name)) fail('name', 'a lowercase word', d.name)
  const port = (v: unknown, field: string) => (Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536 ? (v as number) : fail(field, 'a UDP port in 1..65535', v))
  const listenPort = port(d.listenPort, 'listenPort')
  let sendTo: DialectPreset['sendTo']
  if (d.sendTo !== undefined && d.sendTo !== null) {
    const s = d.sendTo as Record<string, unknown>
    if (typeof s.host !== 'string') fail('sendTo.host', 'a host name', s.host)
    sendTo = { host: s.host as string, port: port(s.port, 'sendTo.port') }
  }
  const timeUnit = d.timeUnit ?? 'seconds'
  if (timeUnit !== 'seconds' && timeUnit !== 'beats') fail('timeUnit', '"seconds" or "beats"', timeUnit)
  const queries = (d.queries ?? []) as unknown[]
  if (!Array.isArray(queries)) fail('queries', 'an array', queries)
  const parsedQueries = queries.map((q, i) => {
    const r = q as Record<string, unknown>
    if (!Number.isFinite(r?.everyMs) || (r.everyMs as number) < 0) fail(`queries[${i}].everyMs`, 'a number of ms >= 0', r?.everyMs)
    if (!Array.isArray(r.messages)) fail(`queries[${i}].messages`, 'an array', r.messages)
    const messages = (r.messages as unknown[]).map((m, k) => {
      const mm = m as Record<string, unknown>
      if (typeof mm?.address !== 'string' || !mm.address.startsWith('/')) fail(`queries[${i}].messages[${k}].address`, 'an OSC address', mm?.address)
      const args = (mm.args ?? []) as unknown[]
      if (!Array.isArray(args) || args.some((a) => typeof a !== 'number' && typeof a !== 'string')) fail(`queries[${i}].messages[${k}].args`, 'an array of numbers and strings', mm.args)
      return { address: mm.address as string, args: args as (number | string)[] }
    })
    return { everyMs: r.everyMs as number, messages }
  })
  if (!Array.isArray(d.rules) || d.rules.length === 0) fail('rules', 'a non-empty array', d.rules)
  const rules = (d.rules as unknown[]).map((r, i) => {
    const rr = r as Record<string, unknown>
    if (typeof rr?.address !== 'string' || !rr.address.startsWith('/')) fail(`rules[${i}].address`, 'an OSC address pattern', rr?.address)
    if (!DIALECT_ACTIONS.includes(rr.action as DialectAction)) fail(`rules[${i}].action`, `one of ${DIALECT_ACTIONS.join(', ')}`, rr.action)
    return { address: rr.address as string, action: rr.action as DialectAction }
  })
  const lyricPrefixes = (d.lyricPrefixes ?? ['lyric:']) as unknown[]
  if (!Array.isArray(lyricPrefixes) || lyricPrefixes.some((p) => typeof p !== 'string' || p === '')) fail('lyricPrefixes', 'an array of non-empty strings', d.lyricPrefixes)
  return {
    name: d.name as string,
    description: typeof d.description === 'string' ? d.description : '',
    listenPort,
    sendTo,
    timeUnit: timeUnit as DialectPreset['timeUnit'],
    queries: parsedQueries,
    rules,
    lyricPrefixes: lyricPrefixes as string[],
    markersAsSections: d.markersAsSections !== false,
  }
}
