/**
 * /ws-in: DAW input over WebSocket. Each binary message is either an OSC packet (the same address
 * space as UDP, starting with "/" or "#bundle") or a binary audio frame (starting with "EMLA", see
 * ws-audio-format.ts). Rejections go to the feed and back to the sender as a JSON error message.
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer, type RawData } from 'ws'
import { boundedMessage, excerpt } from './excerpt.js'
import { IngestError } from './ingest-error.js'
import { decodeOsc, OscDecodeError } from './osc-codec.js'
import { AUTH_ADDRESS, routeOsc, type IngestSink } from './osc-router.js'
import type { RateLimiter } from './rate-limit.js'
import { decodeWsAudio, isWsAudioFrame } from './ws-audio-format.js'

/** Options of the ingest endpoint. */
export type WsIngestOptions = {
  maxMessageBytes: number
  maxClients: number
  pingIntervalMs: number
}

/** Reports a rejected message: code, message, source. */
export type Reject = (code: string, message: string, source: string) => void

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data)
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return data
}

/** Accepts ingest connections and feeds their messages to the bridge input. */
export class WsIngest {
  private readonly wss: WebSocketServer
  private readonly sockets = new Set<WebSocket>()
  private readonly alive = new WeakMap<WebSocket, boolean>()
  /** Connections the ping timer ended for want of a pong. */
  private readonly unresponsive = new WeakSet<WebSocket>()
  private readonly pingTimer: NodeJS.Timeout
  private nextId = 1
  private closing = false

  constructor(
    private readonly o: WsIngestOptions,
    private readonly sink: IngestSink,
    private readonly limiter: RateLimiter,
    private readonly reject: Reject,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: o.maxMessageBytes, perMessageDeflate: false })
    this.pingTimer = setInterval(() => {
      for (const ws of this.sockets) {
        if (this.alive.get(ws) === false) {
          this.unresponsive.add(ws)
          ws.terminate()
          continue
        }
        this.alive.set(ws, false)
        ws.ping()
      }
    }, o.pingIntervalMs)
    this.pingTimer.unref()
  }

  /** Open ingest connections. */
  get size(): number {
    return this.sockets.size
  }

  /** Completes a WebSocket upgrade for /ws-in (auth already checked). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws))
  }

  close(): void {
    this.closing = true
    clearInterval(this.pingTimer)
    for (const ws of this.sockets) ws.close(1001, 'bridge shutting down')
    const stragglers = [...this.sockets]
    setTimeout(() => stragglers.forEach((ws) => ws.terminate()), 200).unref()
    this.sockets.clear()
    this.wss.close()
  }

  private accept(ws: WebSocket): void {
    const source = `ws-in#${this.nextId++}`
    if (this.sockets.size >= this.o.maxClients) {
      this.reject('too-many-clients', `refused an ingest connection: ${this.sockets.size} are open, the limit is ${this.o.maxClients} (option maxIngestClients)`, 'osc-ws')
      ws.close(1013, `too many ingest connections (limit ${this.o.maxClients})`)
      return
    }
    this.sockets.add(ws)
    this.alive.set(ws, true)
    const fail = (code: string, message: string): void => {
      this.reject(code, message, source)
      if (ws.readyState === WebSocket.OPEN && ws.bufferedAmount < 1 << 16) {
        ws.send(JSON.stringify({ type: 'error', error: { code, message: boundedMessage(message), source, time: new Date().toISOString() } }))
      }
    }
    let messages = 0
    let reported = false
    ws.on('pong', () => this.alive.set(ws, true))
    ws.on('message', (data, isBinary) => {
      messages++
      this.alive.set(ws, true)
      const bytes = toBytes(data)
      if (!this.limiter.allow(source, bytes.length)) {
        fail('rate-limited', `dropped a ${bytes.length}-byte message: over the rate limit (options maxMessagesPerSecond, maxBytesPerSecond)`)
        return
      }
      if (!isBinary) {
        fail('ws-text-frame', 'expected binary messages on /ws-in (OSC packets or EMLA audio frames), got a text message')
        return
      }
      this.handle(bytes, fail)
    })
    ws.on('error', (err: Error & { code?: string }) => {
      // ws closes the socket itself after a protocol error (oversize message: 1009, bad UTF-8: 1007)
      reported = true
      const code = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'message-too-large' : 'ws-audio-malformed'
      this.reject(code, `ingest connection closed: ${err.message}${code === 'message-too-large' ? ` (limit ${this.o.maxMessageBytes} bytes, option maxMessageBytes)` : ''}`, source)
    })
    ws.on('close', (code: number) => {
      this.sockets.delete(ws)
      this.limiter.forget(source)
      if (this.closing || reported) return
      // a clean close (1000, 1001, or none given: 1005) is the sender's business; say when one was lost
      const kept = `what it sent before stays in the timeline (${messages} message${messages === 1 ? '' : 's'} received)`
      if (this.unresponsive.has(ws)) {
        this.reject('ingest-client-unresponsive', `disconnected an ingest client that stopped answering pings (no pong within ${this.o.pingIntervalMs} ms); ${kept}`, source)
      } else if (code === 1006) {
        this.reject('ingest-client-vanished', `an ingest client went away without closing its connection (a network drop, or the sender quit or crashed); ${kept}; a message it had only half sent is dropped`, source)
      }
    })
  }

  private handle(bytes: Uint8Array, fail: (code: string, message: string) => void): void {
    try {
      if (isWsAudioFrame(bytes)) {
        this.sink.audio(decodeWsAudio(bytes))
        return
      }
      for (const msg of decodeOsc(bytes)) {
        if (msg.address === AUTH_ADDRESS) continue // the token came with the upgrade; an OSC client that also sends it is welcome (as over UDP)
        try {
          routeOsc(msg, this.sink)
        } catch (err) {
          if (err instanceof IngestError) fail(err.code, `${excerpt(msg.address)}: ${err.message}`)
          else throw err
        }
      }
    } catch (err) {
      if (err instanceof IngestError || err instanceof OscDecodeError) fail(err.code, err.message)
      else fail('osc-malformed', `could not handle a ${bytes.length}-byte message: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
}
