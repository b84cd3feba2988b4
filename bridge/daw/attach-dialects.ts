/**
 * `emolane serve --daw reaper --daw ableton:11001 ...`: listens to several DAW dialects at once,
 * sharing one transport follower whose clock also stamps captured audio (see bridge/input).
 */
import { isIPv4 } from 'node:net'
import { isLoopback } from '../server/options.js'
import type { BridgeErrorInfo, BridgeInput } from '../server/protocol.js'
import { DialectGate, type DialectGateOptions } from './dialect-gate.js'
import { loadDialectPreset } from './dialect-preset.js'
import { listenDialect, type DialectListener } from './dialect-listener.js'
import type { MarkerSink } from './marker-sync.js'
import { TransportFollower, type SongClock } from './transport-follower.js'

/** A parsed `--daw` value. */
export type DawSpec = {
  /** Built-in dialect name or path to a preset .json */
  dialect: string
  /** UDP port to listen on; the preset's when absent */
  port?: number
  /** Where to send queries; the preset's when absent */
  sendTo?: { host: string; port: number }
}

/** Where the dialect ports listen and whom they hear (see DialectGateOptions), plus: */
export type AttachDialectsOptions = DialectGateOptions & {
  /** Bad DAW input, reported and dropped */
  onError?: (error: BridgeErrorInfo) => void
  /** Progress lines for the terminal */
  log?: (line: string) => void
  /** A jump of the reported play head beyond this is a seek, default 0.3 s */
  seekTolerance?: number
  /** Coalesce marker bursts for this long, default 100 ms */
  markerDebounceMs?: number
}

/** Dialects attached to a bridge. */
export type AttachedDialects = {
  /** The DAWs' song time, for stamping captured audio. */
  clock: SongClock
  listeners: DialectListener[]
  close(): Promise<void>
}

/**
 * Parses `name[:port][@host[:port]]`, e.g. `reaper`, `reaper:9001`, `ableton@192.168.1.20`,
 * `./presets/my-daw.json:9005`.
 */
export function parseDawSpec(spec: string): DawSpec {
  const at = spec.lastIndexOf('@')
  const left = at >= 0 ? spec.slice(0, at) : spec
  const right = at >= 0 ? spec.slice(at + 1) : undefined
  const portOf = (s: string, what: string): number => {
    const n = Number(s)
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new RangeError(`--daw ${spec}: ${what} must be a UDP port in 0..65535, got ${JSON.stringify(s)}`)
    return n
  }
  const m = /^(.*?):(\d+)$/.exec(left)
  const dialect = m ? m[1]! : left
  if (!dialect) throw new RangeError(`--daw ${JSON.stringify(spec)}: expected a dialect name like reaper, ableton or bitwig`)
  const out: DawSpec = { dialect }
  if (m) out.port = portOf(m[2]!, 'the listen port')
  if (right !== undefined) {
    const r = /^(.*?)(?::(\d+))?$/.exec(right)!
    if (!r[1]) throw new RangeError(`--daw ${spec}: expected a host after @`)
    out.sendTo = { host: r[1], port: r[2] !== undefined ? portOf(r[2], 'the DAW port') : -1 }
  }
  return out
}

/**
 * Starts listening to each DAW; all or none: if one port cannot be bound, the others are closed.
 * A non-loopback host without an allow-list is a TypeError before anything binds.
 */
export async function attachDialects(bridge: BridgeInput & MarkerSink, specs: (string | DawSpec)[], options: AttachDialectsOptions = {}): Promise<AttachedDialects> {
  const gate = new DialectGate(options)
  const parsed = specs.map((s) => (typeof s === 'string' ? parseDawSpec(s) : s))
  const presets = parsed.map((s) => loadDialectPreset(s.dialect))
  const ports = parsed.map((s, i) => s.port ?? presets[i]!.listenPort)
  const dup = ports.find((p, i) => p !== 0 && ports.indexOf(p) !== i)
  if (dup !== undefined) throw new RangeError(`two --daw dialects want UDP port ${dup}; give one another port, e.g. --daw ${parsed[ports.lastIndexOf(dup)]!.dialect}:${dup + 1}`)
  const transport = new TransportFollower(bridge, { seekTolerance: options.seekTolerance })
  const listeners: DialectListener[] = []
  try {
    for (let i = 0; i < parsed.length; i++) {
      const spec = parsed[i]!
      const preset = presets[i]!
      let sendTo = spec.sendTo
      if (sendTo && sendTo.port < 0) {
        if (!preset.sendTo) throw new RangeError(`--daw ${spec.dialect}@${sendTo.host}: ${preset.name} takes no queries, so it needs no DAW host`)
        sendTo = { host: sendTo.host, port: preset.sendTo.port }
      }
      // A DAW on another machine answers queries, which the gate would drop: say so rather than wait in silence.
      if (sendTo && !isLoopback(sendTo.host)) {
        const ip = isIPv4(sendTo.host) ? sendTo.host : '<its IPv4 address>'
        if (isLoopback(gate.host)) options.log?.(`${preset.name}: replies from ${sendTo.host} cannot reach ${gate.host}; add --daw-host 0.0.0.0 --daw-allow ${ip}`)
        else if (gate.allow && !gate.allow.has(sendTo.host)) options.log?.(`${preset.name}: replies from ${sendTo.host} will be dropped; add ${ip} to --daw-allow`)
      }
      listeners.push(await listenDialect(preset, bridge, transport, { gate, port: spec.port, sendTo, onError: options.onError, log: options.log, markerDebounceMs: options.markerDebounceMs }))
    }
  } catch (err) {
    await Promise.all(listeners.map((l) => l.close()))
    throw err
  }
  return { clock: transport, listeners, close: async () => void (await Promise.all(listeners.map((l) => l.close()))) }
}
