/**
 * Where `emolane stream` sends a song: a bridge's OSC UDP port (udp://host:port) or its WebSocket
 * ingest (ws://host:port/ws-in). Both carry the same OSC messages; audio goes as /emolane/audio
 * datagrams over UDP (blocks split to fit one datagram) and as binary EMLA frames over WebSocket.
 */
import { createSocket, type Socket } from 'node:dgram'
import { WebSocket } from 'ws'
import { encodeOsc, type OscValue } from '../server/osc-codec.js'
import type { AudioBlock } from '../server/protocol.js'
import { encodeWsAudio } from '../server/ws-audio-format.js'

/** Largest UDP payload over IPv4. */
export const MAX_DATAGRAM = 65507
/** Bytes of an /emolane/audio message besides the blob: address, ",iffb", three numbers, blob size. */
const AUDIO_OVERHEAD = 16 + 8 + 12 + 4

/** Frames of `channels`-channel float32 audio that fit one /emolane/audio datagram. */
export function maxUdpFrames(channels: number): number {
  return Math.floor((MAX_DATAGRAM - AUDIO_OVERHEAD) / (4 * channels))
}

/** A connected destination. */
export interface StreamTarget {
  /** What it is, for messages: udp://... or ws://... */
  readonly url: string
  /** Sends one OSC message. */
  send(address: string, values?: OscValue[]): Promise<void>
  /** Sends one audio block (split as the transport needs). */
  audio(block: AudioBlock): Promise<void>
  /** Errors the bridge sent back (WebSocket only). */
  readonly errors: { code: string; message: string }[]
  /** Set once the target's host said nothing listens there (UDP: ICMP port unreachable); null otherwise. */
  readonly refused: Error | null
  close(): Promise<void>
}

/** How to treat a target nobody listens on. */
export type TargetOptions = {
  /** Reject sends once the host said nothing listens on the UDP port (default false: datagrams are fire and forget, as a DAW sends them) */
  strict?: boolean
}

/** Little-endian bytes of float32 samples. */
function floatBytes(samples: Float32Array): Uint8Array {
  const out = new Uint8Array(samples.length * 4)
  const view = new DataView(out.buffer)
  for (let i = 0; i < samples.length; i++) view.setFloat32(i * 4, samples[i]!, true)
  return out
}

/** The OSC message for one audio block (time as float32, as most DAW OSC clients send it). */
export function audioMessage(block: AudioBlock): Uint8Array {
  return encodeOsc('/emolane/audio', [{ type: 'i', value: block.channels }, { type: 'i', value: block.sampleRate }, block.time, floatBytes(block.samples)])
}

class UdpTarget implements StreamTarget {
  readonly errors: { code: string; message: string }[] = []
  refused: Error | null = null
  /** `socket` is connected to the target, so the host's "port unreachable" comes back as ECONNREFUSED. */
  constructor(
    readonly url: string,
    private readonly socket: Socket,
    private readonly strict: boolean,
  ) {
    socket.on('error', (err) => this.noteRefused(err))
  }

  /** ICMP port unreachable: nothing listens there (yet). Datagrams are fire and forget unless strict. */
  private noteRefused(err: NodeJS.ErrnoException): boolean {
    if (err.code !== 'ECONNREFUSED') return false
    this.refused ??= new Error(`nothing is listening on ${this.url} (ECONNREFUSED): is emolane serve running there, with that --osc-port?`, { cause: err })
    return true
  }

  send(address: string, values: OscValue[] = []): Promise<void> {
    return this.datagram(encodeOsc(address, values))
  }

  async audio(block: AudioBlock): Promise<void> {
    const step = maxUdpFrames(block.channels)
    const frames = block.samples.length / block.channels
    for (let f = 0; f < frames; f += step) {
      const n = Math.min(step, frames - f)
      await this.datagram(
        audioMessage({ ...block, time: block.time + f / block.sampleRate, samples: block.samples.subarray(f * block.channels, (f + n) * block.channels) }),
      )
    }
  }

  private datagram(bytes: Uint8Array): Promise<void> {
    if (this.strict && this.refused) return Promise.reject(this.refused)
    return new Promise((resolve, reject) =>
      this.socket.send(bytes, (err) => {
        if (err && this.noteRefused(err)) return this.strict ? reject(this.refused) : resolve()
        return err ? reject(err) : resolve()
      }),
    )
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()))
  }
}

class WsTarget implements StreamTarget {
  readonly errors: { code: string; message: string }[] = []
  /** A WebSocket that nobody accepts fails to open instead (see openTarget). */
  readonly refused = null
  constructor(
    readonly url: string,
    private readonly ws: WebSocket,
  ) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return
      try {
        const msg = JSON.parse(String(data))
        if (msg?.type === 'error') this.errors.push({ code: msg.error?.code, message: msg.error?.message })
      } catch {
        // not ours to judge
      }
    })
  }

  send(address: string, values: OscValue[] = []): Promise<void> {
    return this.write(encodeOsc(address, values))
  }

  audio(block: AudioBlock): Promise<void> {
    return this.write(encodeWsAudio(block))
  }

  private async write(bytes: Uint8Array): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN) throw new Error(`${this.url} is closed`)
    // don't queue without limit when the bridge reads slower than we send
    while (this.ws.bufferedAmount > 1 << 20) await new Promise((r) => setTimeout(r, 5))
    await new Promise<void>((resolve, reject) => this.ws.send(bytes, { binary: true }, (err) => (err ? reject(err) : resolve())))
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve()
      this.ws.once('close', () => resolve())
      this.ws.close(1000, 'stream finished')
      setTimeout(() => {
        this.ws.terminate()
        resolve()
      }, 2000).unref()
    })
  }
}

/** Opens udp://host:port or ws(s)://host:port/ws-in; with a token, authenticates as the bridge asks. */
export async function openTarget(url: string, token: string | null = null, options: TargetOptions = {}): Promise<StreamTarget> {
  let u: URL
  try {
    u = new URL(url)
  } catch (cause) {
    throw new TypeError(`--to must be udp://host:port or ws://host:port/ws-in, got ${JSON.stringify(url)}`, { cause })
  }
  if (u.protocol === 'udp:') {
    const port = Number(u.port)
    if (!u.hostname || !Number.isInteger(port) || port < 1) throw new TypeError(`expected udp://host:port, got ${JSON.stringify(url)}`)
    const host = u.hostname.replace(/^\[|\]$/g, '')
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4')
    await new Promise<void>((resolve, reject) => {
      const socketOnConnectError = (err: Error): void => {
        socket.close()
        reject(new Error(`cannot reach ${url}: ${err.message}`, { cause: err }))
      }
      socket.once('error', socketOnConnectError)
      socket.connect(port, host, () => {
        socket.off('error', socketOnConnectError)
        resolve()
      })
    })
    const target = new UdpTarget(url, socket, options.strict ?? false)
    if (token) await target.send('/emolane/auth', [token])
    return target
  }
  if (u.protocol === 'ws:' || u.protocol === 'wss:') {
    if (u.pathname === '/' || u.pathname === '') u.pathname = '/ws-in'
    if (token) u.searchParams.set('token', token)
    const ws = new WebSocket(u.toString(), { perMessageDeflate: false })
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', (err) => reject(new Error(`cannot connect to ${url}: ${err.message}`, { cause: err })))
      ws.once('unexpected-response', (_req, res) => reject(new Error(`${url} refused the connection: HTTP ${res.statusCode}`)))
    })
    ws.on('error', () => undefined)
    return new WsTarget(url, ws)
  }
  throw new TypeError(`--to must be udp://host:port or ws://host:port/ws-in, got ${JSON.stringify(url)}`)
}
