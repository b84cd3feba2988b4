/**
 * One DAW dialect at work: maps each OSC message the DAW sends onto the transport follower, the
 * marker sync or the bridge input, by the preset's rules. No sockets here (see dialect-listener),
 * so recorded or synthesised OSC can be replayed straight into it.
 */
import type { Seconds } from '../analysis/types.js'
import type { OscArg, OscMessage } from '../server/osc-codec.js'
import type { BridgeInput } from '../server/protocol.js'
import { compileAddress, type AddressMatcher } from './address-pattern.js'
import type { DialectAction, DialectPreset } from './dialect-preset.js'
import { MarkerSync, type MarkerSink } from './marker-sync.js'
import type { TransportFollower } from './transport-follower.js'

/** A message the dialect could not use: its address and why. */
export class DialectMessageError extends Error {
  override name = 'DialectMessageError'
}

export type DialectSessionOptions = {
  /** Coalesce marker bursts for this long, default 100 ms */
  markerDebounceMs?: number
  /** A line for the terminal when the DAW's sections or lyric markers change */
  log?: (line: string) => void
}

type Rule = { match: AddressMatcher; action: DialectAction }

const num = (a: OscArg | undefined): number | undefined =>
  a && (a.type === 'i' || a.type === 'f' || a.type === 'd') ? a.value : a?.type === 'h' ? Number(a.value) : a?.type === 's' && a.value.trim() !== '' && Number.isFinite(Number(a.value)) ? Number(a.value) : undefined
const str = (a: OscArg | undefined): string | undefined => (a?.type === 's' ? a.value : undefined)

/** OSC truth: T/F, non-zero numbers, "1"/"true"/"on"; no argument counts as true (a trigger). */
function truthy(a: OscArg | undefined): boolean {
  if (!a) return true
  if (a.type === 'T' || a.type === 'F' || a.type === 'N' || a.type === 'I') return a.type === 'T' || a.type === 'I'
  if (a.type === 's') return /^(1|true|on|yes)$/i.test(a.value.trim())
  const n = num(a)
  return n !== undefined && n !== 0
}

/**
 * Parses a position string: `h.mm.ss:mmm` (DrivenByMoss), `h:mm:ss.mmm`, `m:ss.mmm`, or seconds.
 * Returns null when the text is none of these.
 */
export function parseTimeText(text: string): Seconds | null {
  const s = text.trim()
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s)
  const moss = /^(\d+)\.(\d{1,2})\.(\d{1,2}):(\d{1,3})$/.exec(s)
  if (moss) return Number(moss[1]) * 3600 + Number(moss[2]) * 60 + Number(moss[3]) + Number(moss[4]) / 1000
  const clock = /^(?:(\d+):)?(\d+):(\d{1,2})(?:[.:](\d{1,3}))?$/.exec(s)
  if (clock) return Number(clock[1] ?? 0) * 3600 + Number(clock[2]) * 60 + Number(clock[3]) + (clock[4] ? Number(clock[4]) / 10 ** clock[4].length : 0)
  return null
}

/** Applies one dialect's rules to incoming messages. */
export class DialectSession {
  private readonly rules: Rule[]
  readonly markers: MarkerSync
  /** A position that arrived in beats before the tempo was known. */
  private pendingBeats: number | null = null

  constructor(
    readonly preset: DialectPreset,
    private readonly sink: BridgeInput & MarkerSink,
    private readonly transport: TransportFollower,
    options: DialectSessionOptions = {},
  ) {
    this.rules = preset.rules.map((r) => ({ match: compileAddress(r.address), action: r.action }))
    this.markers = new MarkerSync(sink, (t) => this.toSeconds(t), {
      lyricPrefixes: preset.lyricPrefixes,
      markersAsSections: preset.markersAsSections,
      debounceMs: options.markerDebounceMs,
      onSync: (sections, lyrics) => options.log?.(`${preset.name}: ${sections.length} section${sections.length === 1 ? '' : 's'} (${sections.map((s) => s.name).join(', ') || 'none'}) and ${lyrics.length} lyric line${lyrics.length === 1 ? '' : 's'} from markers and regions`),
    })
  }

  /** DAW time to seconds: beats need the tempo. */
  toSeconds(t: number): Seconds | null {
    if (this.preset.timeUnit === 'seconds') return t
    const bpm = this.transport.tempo
    return bpm === null ? null : (t * 60) / bpm
  }

  /** Applies one message; returns false when no rule matches (not an error: DAWs send much else). Throws DialectMessageError on bad arguments. */
  handle(msg: OscMessage): boolean {
    let handled = false
    for (const rule of this.rules) {
      const captured = rule.match(msg.address)
      if (!captured) continue
      handled = true
      this.apply(rule.action, captured[0] ?? '', msg)
    }
    return handled
  }

  /** Sends pending marker changes now. */
  flush(): void {
    this.markers.flush()
  }

  close(): void {
    this.markers.close()
  }

  private need<T>(value: T | undefined, msg: OscMessage, want: string): T {
    if (value === undefined || (typeof value === 'number' && !Number.isFinite(value))) {
      const got = msg.args.map((a) => (a.type === 's' ? JSON.stringify(a.value.slice(0, 30)) : `${a.type}:${String(a.value)}`)).join(', ') || 'no arguments'
      throw new DialectMessageError(`${this.preset.name}: ${msg.address} needs ${want}, got ${got}`)
    }
    return value
  }

  private apply(action: DialectAction, slot: string, msg: OscMessage): void {
    const [a0, a1, a2] = msg.args
    try {
      switch (action) {
        case 'time':
          return this.position(this.need(num(a0), msg, 'a time (number)'))
        case 'time-text': {
          const t = parseTimeText(this.need(str(a0), msg, 'a time string'))
          return this.transport.position(this.need(t ?? undefined, msg, 'a time like 0.01.23:456 or 1:23.456'))
        }
        case 'playing':
          return this.transport.setPlaying(truthy(a0))
        case 'stopped':
          if (truthy(a0)) this.transport.setPlaying(false)
          return
        case 'tempo': {
          this.transport.setTempo(this.need(num(a0), msg, 'a tempo in bpm'))
          if (this.preset.timeUnit === 'beats') {
            if (this.pendingBeats !== null) this.position(this.pendingBeats)
            this.markers.retime()
          }
          return
        }
        case 'region-name':
          return this.markers.region(slot, 'name', str(a0) ?? '')
        case 'region-start':
          return this.markers.region(slot, 'start', this.need(num(a0), msg, 'a region start'))
        case 'region-length':
          return this.markers.region(slot, 'length', this.need(num(a0), msg, 'a region length'))
        case 'region-end':
          return this.markers.region(slot, 'end', this.need(num(a0), msg, 'a region end'))
        case 'marker-name':
          return this.markers.marker(slot, 'name', str(a0) ?? '')
        case 'marker-time':
          return this.markers.marker(slot, 'start', this.need(num(a0), msg, 'a marker time'))
        case 'cue-list': {
          if (msg.args.length % 2 !== 0) this.need(undefined, msg, 'name, time pairs')
          const list: { name: string; time: number }[] = []
          for (let i = 0; i < msg.args.length; i += 2) {
            list.push({ name: this.need(str(msg.args[i]), msg, 'name, time pairs'), time: this.need(num(msg.args[i + 1]), msg, 'name, time pairs') })
          }
          return this.markers.cues(list)
        }
        case 'section': {
          const start = this.need(num(a0), msg, 'start, end (s) and a name')
          const end = this.need(num(a1), msg, 'start, end (s) and a name')
          return this.sink.section({ start, end, name: this.need(str(a2), msg, 'start, end (s) and a name'), source: 'daw' })
        }
        case 'lyric': {
          const start = this.need(num(a0), msg, 'start, end (s) and text')
          const end = this.need(num(a1), msg, 'start, end (s) and text')
          return this.sink.lyricLine({ start, end, text: this.need(str(a2), msg, 'start, end (s) and text') })
        }
        case 'clear-lyrics':
          return this.sink.clearLyrics()
      }
    } catch (err) {
      if (err instanceof DialectMessageError) throw err
      throw new DialectMessageError(`${this.preset.name}: ${msg.address}: ${(err as Error).message}`, { cause: err })
    }
  }

  private position(t: number): void {
    const s = this.toSeconds(t)
    if (s === null) {
      this.pendingBeats = t // converted once the tempo arrives
      return
    }
    this.pendingBeats = null
    this.transport.position(s)
  }
}
