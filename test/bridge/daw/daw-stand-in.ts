/**
 * A DAW's OSC end over real UDP, for replays into the bridge: answers emolane's queries from its
 * state (like AbletonOSC or DrivenByMoss), keeps its own play head running on the wall clock, and
 * sends what the DAW would send unasked (play state, position feedback, a tempo change).
 */
import { createSocket, type Socket } from 'node:dgram'
import { decodeOsc, encodeOsc, type OscMessage } from '../../../bridge/server/osc-codec.js'
import type { DawState, OscEvent } from './daw-sessions.js'

/** Position units per second at a tempo: beats (Live) or seconds (Bitwig). */
export type PositionRate = (tempo: number) => number

export class DawStandIn {
  /** Addresses of the queries emolane sent, in arrival order. */
  readonly queries: string[] = []
  private target: { port: number; host: string } | null = null
  private anchor = 0
  private anchorWall = 0

  private constructor(
    private readonly socket: Socket,
    private readonly state: Omit<DawState, 'position'>,
    private readonly rate: PositionRate,
    answer: (query: string, state: DawState) => OscEvent[],
  ) {
    socket.on('message', (data, rinfo) => {
      for (const q of decodeOsc(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))) {
        this.queries.push(q.address)
        this.target = { port: rinfo.port, host: rinfo.address }
        for (const e of answer(q.address, this.snapshot())) void this.send(e)
      }
    })
  }

  /** Binds 127.0.0.1 on a free port. */
  static async start(state: DawState, rate: PositionRate, answer: (query: string, state: DawState) => OscEvent[]): Promise<DawStandIn> {
    const socket = createSocket('udp4')
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()))
    const daw = new DawStandIn(socket, { tempo: state.tempo, playing: state.playing }, rate, answer)
    daw.anchor = state.position
    daw.anchorWall = performance.now()
    return daw
  }

  get port(): number {
    return this.socket.address().port
  }

  /** The play head now, in the DAW's unit. */
  position(): number {
    return this.anchor + (this.state.playing ? ((performance.now() - this.anchorWall) / 1000) * this.rate(this.state.tempo) : 0)
  }

  snapshot(): DawState {
    return { ...this.state, position: this.position() }
  }

  /** Moves the play head (a click on the timeline), without sending anything. */
  locate(position: number): void {
    this.anchor = position
    this.anchorWall = performance.now()
  }

  /** Starts or stops the transport, without sending anything. */
  setPlaying(on: boolean): void {
    this.locate(this.position())
    this.state.playing = on
  }

  /** Changes the tempo from the play head on, without sending anything. */
  setTempo(bpm: number): void {
    this.locate(this.position())
    this.state.tempo = bpm
  }

  /** Sends one message to emolane (where its queries came from, or `port` until then). */
  send(e: OscMessage, port?: number): Promise<void> {
    const to = port !== undefined ? { port, host: '127.0.0.1' } : this.target
    if (!to) throw new Error(`the stand-in has heard no query yet, so it does not know where to send ${e.address}; pass the dialect's port`)
    return new Promise((resolve, reject) => this.socket.send(encodeOsc(e.address, e.args), to.port, to.host, (err) => (err ? reject(err) : resolve())))
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()))
  }
}
