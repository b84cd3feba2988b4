/**
 * The /ws feed: JSON FeedMessages to panels and other listeners. A new client gets a snapshot of
 * the timeline so far, then live updates. A client that cannot keep up (its send buffer passes
 * `maxBufferedBytes`) skips updates and, once drained, gets one fresh snapshot in their place; one
 * lagging past `lagTimeoutMs`, or silent to a ping, is terminated.
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer } from 'ws'
import type { FeedMessage } from './protocol.js'

/** Options of the feed. */
export type FeedServerOptions = {
  maxClients: number
  maxBufferedBytes: number
  lagTimeoutMs: number
  pingIntervalMs: number
}

type Client = { ws: WebSocket; alive: boolean; laggingSince: number | null; id: number }

/** Largest message a feed client may send, bytes: clients only listen, so anything bigger is a mistake. */
export const FEED_MAX_PAYLOAD = 64 * 1024

/** Feed clients and the broadcasting to them. */
export class FeedServer {
  private readonly wss: WebSocketServer
  private readonly clients = new Set<Client>()
  private readonly pingTimer: NodeJS.Timeout
  private nextId = 1
  /** Updates skipped for lagging clients (each client counted). */
  skipped = 0

  constructor(
    private readonly o: FeedServerOptions,
    /** Builds the snapshot a (re)synced client gets. */
    private readonly snapshot: () => FeedMessage,
    /** Reports a problem (too many clients, lagging client dropped). */
    private readonly problem: (code: string, message: string) => void,
    /** Called when the number of clients changes. */
    private readonly onCount: (n: number) => void,
  ) {
    // clients only listen; anything they send is small or a mistake
    this.wss = new WebSocketServer({ noServer: true, maxPayload: FEED_MAX_PAYLOAD, perMessageDeflate: false })
    this.pingTimer = setInterval(() => this.pingAll(), o.pingIntervalMs)
    this.pingTimer.unref()
  }

  /** Connected clients. */
  get size(): number {
    return this.clients.size
  }

  /** Completes a WebSocket upgrade for /ws (auth already checked). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws))
  }

  /** Sends a message to every client that keeps up. */
  broadcast(msg: FeedMessage): void {
    if (this.clients.size === 0) return
    const text = JSON.stringify(msg)
    for (const c of this.clients) this.sendTo(c, text)
  }

  /** Closes every client and stops pinging. */
  close(): void {
    clearInterval(this.pingTimer)
    for (const c of this.clients) c.ws.close(1001, 'bridge shutting down')
    // give close frames a moment, then make sure nothing lingers
    const stragglers = [...this.clients]
    setTimeout(() => stragglers.forEach((c) => c.ws.terminate()), 200).unref()
    this.clients.clear()
    this.wss.close()
  }

  private accept(ws: WebSocket): void {
    if (this.clients.size >= this.o.maxClients) {
      this.problem('too-many-clients', `refused a feed client: ${this.clients.size} are connected, the limit is ${this.o.maxClients} (option maxClients)`)
      ws.close(1013, `too many clients (limit ${this.o.maxClients})`)
      return
    }
    const client: Client = { ws, alive: true, laggingSince: null, id: this.nextId++ }
    this.clients.add(client)
    this.onCount(this.clients.size)
    ws.on('pong', function feedOnPong() {
      client.alive = true
    })
    ws.on('message', function feedOnMessage() {
      client.alive = true // the feed is one-way; a message still shows the client is there
    })
    ws.on('close', () => this.drop(client))
    ws.on('error', (err: Error & { code?: string }) => {
      // ws closes the connection itself (1009 for an oversize message); say why once
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        this.problem('message-too-large', `feed client ${client.id} sent a message over ${FEED_MAX_PAYLOAD} bytes and was disconnected: the feed only sends (a client needs to say nothing)`)
      }
      this.drop(client)
    })
    this.sendTo(client, JSON.stringify(this.snapshot()), true)
  }

  private drop(client: Client): void {
    if (this.clients.delete(client)) this.onCount(this.clients.size)
  }

  private sendTo(c: Client, text: string, force = false): void {
    if (c.ws.readyState !== WebSocket.OPEN) return
    if (!force && c.ws.bufferedAmount > this.o.maxBufferedBytes) {
      this.skipped++
      const now = performance.now()
      c.laggingSince ??= now
      if (now - c.laggingSince > this.o.lagTimeoutMs) {
        this.problem('client-lagging', `feed client ${c.id} could not keep up for ${Math.round((now - c.laggingSince) / 1000)} s (over ${this.o.maxBufferedBytes} bytes queued); disconnected`)
        c.ws.terminate()
        this.drop(c)
      }
      return
    }
    if (c.laggingSince !== null && !force) {
      // drained: everything it missed arrives as one snapshot instead of a backlog
      c.laggingSince = null
      c.ws.send(JSON.stringify(this.snapshot()))
      return
    }
    c.ws.send(text)
  }

  private pingAll(): void {
    for (const c of this.clients) {
      if (!c.alive) {
        c.ws.terminate()
        this.drop(c)
        continue
      }
      c.alive = false
      c.ws.ping()
    }
  }
}
