/** Checks a mapping (parsed JSON or an object) and fills in its defaults; every mistake names the lane and field. */
import {
  HEADS,
  QUANTITIES,
  REAPER_ENVELOPES,
  RESPONSES,
  type CurveId,
  type Mapping,
  type ResolvedLane,
  type ResolvedMapping,
} from './types.js'

/** A mapping that cannot drive an export: unknown curve, CC out of range, bad range or tolerance. */
export class MappingError extends Error {
  override name = 'MappingError'
}

/** Defaults for every optional mapping and lane field. */
export const mappingDefaults = {
  tolerance: 0.01,
  channel: 1,
  bits: 7 as 7 | 14,
  range: [0, 1] as [number, number],
  invert: false,
  response: 'linear' as const,
  curvature: 3,
  smoothing: 0,
  missing: 'hold' as const,
  reaper: 'volume' as const,
}

/** Every curve id a mapping may name. */
export const CURVE_IDS: CurveId[] = [...HEADS.flatMap((h) => QUANTITIES.map((q) => `${h}.${q}` as CurveId)), 'conflict']

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v))

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function checkKeys(obj: Record<string, unknown>, allowed: string[], where: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) throw new MappingError(`${where}: unknown field ${JSON.stringify(key)}; expected one of ${allowed.join(', ')}`)
  }
}

function integerIn(v: unknown, min: number, max: number, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new MappingError(`${where} must be an integer in [${min}, ${max}], got ${show(v)}`)
  }
  return v
}

function finiteIn(v: unknown, min: number, max: number, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new MappingError(`${where} must be a number in [${min}, ${max}], got ${show(v)}`)
  }
  return v
}

function resolveLane(raw: unknown, index: number, mappingTolerance: number): ResolvedLane {
  const where = `lane ${index + 1}`
  if (!isObject(raw)) throw new MappingError(`${where} must be an object, got ${show(raw)}`)
  checkKeys(raw, ['name', 'curve', 'target', 'range', 'invert', 'response', 'curvature', 'smoothing', 'tolerance', 'missing', 'reaper'], where)
  const curve = raw.curve
  if (typeof curve !== 'string' || !CURVE_IDS.includes(curve as CurveId)) {
    throw new MappingError(`${where}: unknown curve ${show(curve)}; expected one of ${CURVE_IDS.join(', ')}`)
  }
  if (!isObject(raw.target)) throw new MappingError(`${where}: target must be an object like {"cc": 74, "channel": 1}, got ${show(raw.target)}`)
  checkKeys(raw.target, ['cc', 'channel', 'bits'], `${where} target`)
  const bits = raw.target.bits ?? mappingDefaults.bits
  if (bits !== 7 && bits !== 14) throw new MappingError(`${where}: target.bits must be 7 or 14, got ${show(bits)}`)
  const cc = integerIn(raw.target.cc, 0, bits === 14 ? 31 : 127, `${where}: target.cc${bits === 14 ? ' (14-bit lanes pair cc with cc + 32)' : ''}`)
  const channel = integerIn(raw.target.channel ?? mappingDefaults.channel, 1, 16, `${where}: target.channel`)

  const range = raw.range ?? mappingDefaults.range
  if (!Array.isArray(range) || range.length !== 2) throw new MappingError(`${where}: range must be [min, max] in 0..1, got ${show(range)}`)
  const lo = finiteIn(range[0], 0, 1, `${where}: range[0]`)
  const hi = finiteIn(range[1], 0, 1, `${where}: range[1]`)
  if (lo >= hi) throw new MappingError(`${where}: range must have min < max (use "invert": true to flip), got ${show(range)}`)

  const invert = raw.invert ?? mappingDefaults.invert
  if (typeof invert !== 'boolean') throw new MappingError(`${where}: invert must be true or false, got ${show(invert)}`)
  const response = raw.response ?? mappingDefaults.response
  if (!RESPONSES.includes(response as never)) throw new MappingError(`${where}: unknown response ${show(response)}; expected one of ${RESPONSES.join(', ')}`)
  const curvature = raw.curvature ?? mappingDefaults.curvature
  if (typeof curvature !== 'number' || !Number.isFinite(curvature) || curvature === 0 || Math.abs(curvature) > 50) {
    throw new MappingError(`${where}: curvature must be a non-zero number in [-50, 50], got ${show(curvature)}`)
  }
  if (response === 's-curve' && curvature < 0) throw new MappingError(`${where}: an s-curve needs curvature > 0, got ${curvature}`)
  const smoothing = finiteIn(raw.smoothing ?? mappingDefaults.smoothing, 0, 600, `${where}: smoothing (seconds)`)
  const tolerance = finiteIn(raw.tolerance ?? mappingTolerance, 1e-4, 0.5, `${where}: tolerance`)
  const missing = raw.missing ?? mappingDefaults.missing
  if (missing !== 'hold' && (typeof missing !== 'number' || !Number.isFinite(missing))) {
    throw new MappingError(`${where}: missing must be "hold" or a number, got ${show(missing)}`)
  }
  const reaper = raw.reaper ?? mappingDefaults.reaper
  if (!REAPER_ENVELOPES.includes(reaper as never)) throw new MappingError(`${where}: reaper must be one of ${REAPER_ENVELOPES.join(', ')}, got ${show(reaper)}`)
  const name = raw.name ?? `${curve} → CC${cc}${bits === 14 ? '/14-bit' : ''} ch${channel}`
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) throw new MappingError(`${where}: name must be a non-empty string of at most 200 characters, got ${show(name)}`)

  return {
    name,
    curve: curve as CurveId,
    target: { cc, channel, bits },
    range: [lo, hi],
    invert,
    response: response as ResolvedLane['response'],
    curvature,
    smoothing,
    tolerance,
    missing: missing as ResolvedLane['missing'],
    reaper: reaper as ResolvedLane['reaper'],
  }
}

/** The MIDI controllers (channel, cc) a lane writes: one, or the MSB/LSB pair. */
export function controllersOf(lane: ResolvedLane): { channel: number; cc: number }[] {
  const { channel, cc, bits } = lane.target
  return bits === 14 ? [{ channel, cc }, { channel, cc: cc + 32 }] : [{ channel, cc }]
}

/** Checks a mapping and fills in its defaults; throws MappingError saying what was expected and what arrived. */
export function resolveMapping(raw: unknown): ResolvedMapping {
  if (!isObject(raw)) throw new MappingError(`a mapping must be a JSON object with "name" and "lanes", got ${show(raw)}`)
  checkKeys(raw, ['$schema', 'name', 'description', 'tolerance', 'lanes'], 'mapping')
  const name = raw.name
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9._-]{0,63}$/i.test(name)) {
    throw new MappingError(`mapping name must be 1-64 letters, digits, '.', '_' or '-', got ${show(name)}`)
  }
  const description = raw.description ?? ''
  if (typeof description !== 'string') throw new MappingError(`mapping ${name}: description must be a string, got ${show(description)}`)
  const tolerance = finiteIn(raw.tolerance ?? mappingDefaults.tolerance, 1e-4, 0.5, `mapping ${name}: tolerance`)
  if (!Array.isArray(raw.lanes) || raw.lanes.length === 0) throw new MappingError(`mapping ${name}: lanes must be a non-empty array, got ${show(raw.lanes)}`)
  if (raw.lanes.length > 64) throw new MappingError(`mapping ${name}: at most 64 lanes, got ${raw.lanes.length}`)
  const lanes = raw.lanes.map((lane, i) => {
    try {
      return resolveLane(lane, i, tolerance)
    } catch (err) {
      if (err instanceof MappingError) err.message = `mapping ${name}, ${err.message}`
      throw err
    }
  })
  const used = new Map<string, string>()
  for (const lane of lanes) {
    for (const { channel, cc } of controllersOf(lane)) {
      const key = `${channel}:${cc}`
      const other = used.get(key)
      if (other) throw new MappingError(`mapping ${name}: lanes ${JSON.stringify(other)} and ${JSON.stringify(lane.name)} both write CC${cc} on channel ${channel}; give each lane its own controller`)
      used.set(key, lane.name)
    }
  }
  const names = new Set<string>()
  for (const lane of lanes) {
    if (names.has(lane.name)) throw new MappingError(`mapping ${name}: two lanes are named ${JSON.stringify(lane.name)}; lane names must be unique`)
    names.add(lane.name)
  }
  return { name, description, tolerance, lanes }
}

/** A copy of the mapping with every lane switched to 14-bit CC pairs (lanes on CC 0..31 only). */
export function withFourteenBit(mapping: ResolvedMapping): ResolvedMapping {
  const lanes = mapping.lanes.map((lane) => {
    if (lane.target.cc > 31) {
      throw new MappingError(`mapping ${mapping.name}: lane ${JSON.stringify(lane.name)} is on CC${lane.target.cc}; 14-bit pairs exist only for CC 0..31 (LSB on cc + 32)`)
    }
    return { ...lane, target: { ...lane.target, bits: 14 as const } }
  })
  return resolveMapping({ ...mapping, lanes })
}
