/**
 * Live writes: while the DAW plays, sends each mapped lane's value at the play head to a DAW parameter
 * over OSC/UDP, so the DAW records it as automation in its write/latch/touch mode. Nothing is sent
 * while the transport is stopped; each lane sends at most `rateHz` messages a second, and only when
 * its value moved by half its tolerance or more. The value follows the newest analysed frame at or
 * before the play head, shaped like the lane's exports (smoothing is causal here).
 */
import { createSocket, type Socket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import type { Conflict, Frame, Seconds } from '../../analysis/types.js'
import type { TransportState } from '../../server/protocol.js'
import { curveValue } from '../curves.js'
import { shapeValue } from '../lanes.js'
import { loadMapping } from '../mapping-presets.js'
import { CausalSmoother } from '../smoothing.js'
import type { Mapping, ResolvedLane, ResolvedMapping } from '../types.js'
import { withDefaults } from '../with-defaults.js'
import { FrameStore } from './frame-store.js'
import { fillTemplate, laneTarget, loadDialect, type LiveDialect, type LiveDialectSpec, type LiveTarget, type MessageTemplate } from './live-dialect.js'
import { encodeOscMessage, type OscArgument } from './osc-message.js'

/** The events a live writer listens to: the bridge facade (BridgeEvents) or anything shaped like it. */
export type LiveSourceEvents = {
  frames: [frames: Frame[]]
  transport: [state: TransportState]
  conflicts: [conflicts: Conflict[]]
  invalidate: [start: Seconds, end: Seconds]
}

/** A bridge-like event source: `on()` returns an unsubscribe function. */
export type LiveSource = {
  on<K extends keyof LiveSourceEvents>(event: K, listener: (...args: LiveSourceEvents[K]) => void): () => void
}

/** Options of a live writer. */
export type LiveWriterOptions = {
  /** Preset name, mapping .json path or mapping object; default 'all-curves' */
  mapping?: string | Mapping
  /** Dialect preset name ('reaper', 'ableton', 'bitwig'), .json path or object */
  dialect: string | LiveDialectSpec
  /** DAW host, default the dialect's */
  host?: string
  /** DAW OSC port, default the dialect's */
  port?: number
  /** Most messages per second per lane, default the dialect's */
  rateHz?: number
  /** Per-lane target overrides, in lane order (e.g. [{ "track": 2, "fx": 1, "param": 5 }]) */
  targets?: LiveTarget[]
  /** Seconds a frame may lag the play head and still be written, default 10 (window 6 s and the encoder's 2 s past it: centres trail by 5 s plus inference) */
  maxLag?: Seconds
  /** Sends a packet; default a UDP socket to host:port (tests inject their own) */
  send?: (packet: Uint8Array) => Promise<void>
  /** Clock in milliseconds, default performance.now */
  now?: () => number
}
const defaults = { mapping: 'all-curves' as string | Mapping, maxLag: 10 }

/** Events of a live writer. */
export type LiveWriterEvents = {
  /** A message went out (address and arguments), for meters and logs. */
  sent: [address: string, args: OscArgument[]]
  /** Sending failed or a lane could not be filled; the writer keeps going. */
  error: [error: Error]
}

type LaneState = {
  lane: ResolvedLane
  target: LiveTarget
  smoother: CausalSmoother
  lastSentAt: number
  /** Normalised value last sent, and the scaled value that went out */
  lastValue: number | null
  lastSent: number | null
  /** Last curve value seen, for lyric gaps under 'hold' */
  lastCurve: number | null
}

/** Writes mapped emotion lanes to a DAW parameter over OSC while the DAW plays. */
export class LiveWriter {
  private readonly frames = new FrameStore()
  private conflicts: Conflict[] = []
  private transport: TransportState & { at: number } = { playing: false, time: 0, tempo: null, at: 0 }
  private timer: NodeJS.Timeout | null = null
  private readonly unsubscribers: (() => void)[] = []
  private readonly listeners: { [K in keyof LiveWriterEvents]: Set<(...args: LiveWriterEvents[K]) => void> } = { sent: new Set(), error: new Set() }
  private readonly lanes: LaneState[]
  private readonly interval: number
  private destroyed = false

  private constructor(
    readonly mapping: ResolvedMapping,
    readonly dialect: LiveDialect,
    private readonly rateHz: number,
    private readonly maxLag: Seconds,
    private readonly sendPacket: (packet: Uint8Array) => Promise<void>,
    private readonly now: () => number,
    private readonly socket: Socket | null,
    targets: LiveTarget[],
  ) {
    this.interval = 1000 / rateHz
    this.lanes = mapping.lanes.map((lane, i) => ({
      lane,
      target: { ...laneTarget(dialect, i), ...(targets[i] ?? {}) },
      smoother: new CausalSmoother(lane.smoothing),
      lastSentAt: -Infinity,
      lastValue: null,
      lastSent: null,
      lastCurve: null,
    }))
  }

  /** Loads the mapping and dialect and opens the UDP socket; throws on a bad mapping, dialect or option. */
  static async create(options: LiveWriterOptions): Promise<LiveWriter> {
    const opts = withDefaults(defaults, options)
    const mapping = await loadMapping(opts.mapping)
    const dialect = await loadDialect(opts.dialect)
    const host = opts.host ?? dialect.host
    const port = opts.port ?? dialect.port
    const rateHz = opts.rateHz ?? dialect.rateHz
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`port must be an integer in [1, 65535], got ${port}`)
    if (!(rateHz >= 0.5 && rateHz <= 200)) throw new RangeError(`rateHz must be in [0.5, 200], got ${rateHz}`)
    if (!(opts.maxLag > 0)) throw new RangeError(`maxLag must be > 0 seconds, got ${opts.maxLag}`)
    const targets = opts.targets ?? []
    if (targets.length > mapping.lanes.length) throw new TypeError(`${targets.length} targets given for ${mapping.lanes.length} lane(s) of mapping ${mapping.name}`)
    let socket: Socket | null = null
    let send = opts.send
    if (!send) {
      const s = createSocket(isIPv6(host) ? 'udp6' : 'udp4')
      socket = s
      send = (packet) => new Promise<void>((resolve, reject) => s.send(packet, port, host, (err) => (err ? reject(err) : resolve())))
    }
    const now = opts.now ?? (() => performance.now())
    const writer = new LiveWriter(mapping, dialect, rateHz, opts.maxLag, send, now, socket, targets)
    socket?.on('error', function liveSocketOnError(err) {
      writer.fail(new Error(`live write socket to ${host}:${port}: ${err.message}`, { cause: err }))
    })
    return writer
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof LiveWriterEvents>(event: K, listener: (...args: LiveWriterEvents[K]) => void): () => void {
    const set = this.listeners[event] as Set<(...args: LiveWriterEvents[K]) => void>
    set.add(listener)
    return () => set.delete(listener)
  }

  private emit<K extends keyof LiveWriterEvents>(event: K, ...args: LiveWriterEvents[K]): void {
    for (const l of [...(this.listeners[event] as Set<(...a: LiveWriterEvents[K]) => void>)]) l(...args)
  }

  private fail(err: Error): void {
    if (this.listeners.error.size === 0) console.error(`emolane live write: ${err.message}`)
    else this.emit('error', err)
  }

  /** True while the DAW plays and values go out. */
  get writing(): boolean {
    return this.timer !== null
  }

  /** Starts listening to a bridge-like source. */
  init(source: LiveSource): void {
    if (this.destroyed) throw new Error('this live writer was destroyed; create a new one')
    this.unsubscribers.push(
      source.on('frames', (frames) => this.frames.add(frames)),
      source.on('conflicts', (conflicts) => (this.conflicts = conflicts)),
      source.on('invalidate', (start, end) => this.frames.invalidate(start, end)),
      source.on('transport', (state) => this.onTransport(state)),
    )
  }

  /** Stops writing (releasing touched parameters), unsubscribes and closes the socket. */
  async destroy(): Promise<void> {
    if (this.destroyed) return
    if (this.timer) await this.stopWriting()
    this.destroyed = true
    for (const off of this.unsubscribers.splice(0)) off()
    if (this.socket) await new Promise<void>((resolve) => this.socket!.close(() => resolve()))
  }

  private onTransport(state: TransportState): void {
    const prev = this.transport
    const at = this.now()
    const expected = prev.time + (prev.playing ? (at - prev.at) / 1000 : 0)
    this.transport = { ...state, at }
    if (state.playing && !this.timer) this.startWriting()
    else if (!state.playing && this.timer) void this.stopWriting()
    else if (state.playing && Math.abs(state.time - expected) > 1) for (const l of this.lanes) l.smoother.reset() // a seek
  }

  /** The song time of the play head now. */
  playHead(): Seconds {
    const { playing, time, at } = this.transport
    return playing ? time + (this.now() - at) / 1000 : time
  }

  private startWriting(): void {
    for (const l of this.lanes) {
      l.smoother.reset()
      l.lastValue = null
      l.lastSent = null
      l.lastSentAt = -Infinity
    }
    for (const l of this.lanes) for (const t of this.dialect.onPlay) this.sendTemplate(t, l, null)
    this.timer = setInterval(() => this.tick(), this.interval)
    this.tick()
  }

  private async stopWriting(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await Promise.all(this.lanes.flatMap((l) => this.dialect.onStop.map((t) => this.sendTemplate(t, l, null))))
  }

  /** One step: for each lane, the value at the play head goes out if the rate allows and it changed. */
  private tick(): void {
    if (!this.transport.playing) return
    const head = this.playHead()
    const frame = this.frames.at(head)
    if (!frame || head - frame.t > this.maxLag) return
    const now = this.now()
    for (const l of this.lanes) {
      if (now - l.lastSentAt < this.interval - 0.5) continue
      let x: number | null
      try {
        x = curveValue(l.lane.curve, frame, this.conflicts)
      } catch (err) {
        this.fail(err as Error)
        continue
      }
      if (x === null) x = l.lane.missing === 'hold' ? l.lastCurve : l.lane.missing
      if (x === null) continue // nothing sung yet: nothing to hold
      l.lastCurve = x
      const y = shapeValue(l.lane, l.smoother.next(head, x))
      // A change smaller than half the lane's tolerance is not worth a message (nor a recorded point).
      if (l.lastValue !== null && Math.abs(y - l.lastValue) < l.lane.tolerance / 2) continue
      const { min, max } = { min: l.target.min ?? this.dialect.value.min, max: l.target.max ?? this.dialect.value.max }
      let value = min + (max - min) * y
      if (this.dialect.value.type === 'i') {
        value = Math.round(value)
        if (value === l.lastSent) continue
      }
      l.lastValue = y
      l.lastSent = value
      l.lastSentAt = now
      void this.sendTemplate(this.dialect.send, l, value)
    }
  }

  private async sendTemplate(template: MessageTemplate, l: LaneState, value: number | null): Promise<void> {
    let msg: { address: string; args: OscArgument[] }
    let packet: Uint8Array
    try {
      msg = fillTemplate(template, l.target, value, this.dialect.value.type)
      packet = encodeOscMessage(msg.address, msg.args)
    } catch (err) {
      this.fail(new Error(`live write of lane ${JSON.stringify(l.lane.name)}: ${(err as Error).message}`, { cause: err }))
      return
    }
    try {
      await this.sendPacket(packet)
      this.emit('sent', msg.address, msg.args)
    } catch (err) {
      this.fail(new Error(`live write to ${this.dialect.daw}: ${(err as Error).message}`, { cause: err }))
    }
  }
}
