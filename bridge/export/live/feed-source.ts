/**
 * A LiveSource over a running bridge's /ws feed: lets `emolane live-write` (or any process) follow the
 * bridge's frames and transport from outside it. Reconnects after the bridge restarts.
 */
import { WebSocket } from 'ws'
import type { FeedMessage } from '../../server/protocol.js'
import type { LiveSource, LiveSourceEvents } from './live-writer.js'

/** Options of the feed source. */
export type FeedSourceOptions = {
  /** Feed URL, default ws://127.0.0.1:8080/ws */
  url?: string
  /** The bridge's token, when it has one */
  token?: string
  /** Milliseconds between reconnection attempts, default 2000 */
  retryMs?: number
  /** Told about connection problems; the source keeps retrying */
  onProblem?: (message: string) => void
  /** Told when the feed connects */
  onConnect?: () => void
}
const defaults = { url: 'ws://127.0.0.1:8080/ws', retryMs: 2000 }

/** Follows a bridge's /ws feed and re-emits frames, transport, conflicts and invalidations. */
export class FeedSource implements LiveSource {
  private readonly listeners = new Map<keyof LiveSourceEvents, Set<Function>>()
  private ws: WebSocket | null = null
  private retry: NodeJS.Timeout | null = null
  private closed = false
  private readonly opts: FeedSourceOptions & typeof defaults

  constructor(options: FeedSourceOptions = {}) {
    this.opts = { ...defaults, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) }
    const url = new URL(this.opts.url)
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new TypeError(`the feed URL must start with ws:// or wss://, got ${JSON.stringify(this.opts.url)}`)
    this.connect()
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof LiveSourceEvents>(event: K, listener: (...args: LiveSourceEvents[K]) => void): () => void {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set())
    this.listeners.get(event)!.add(listener)
    return () => this.listeners.get(event)?.delete(listener)
  }

  private emit<K extends keyof LiveSourceEvents>(event: K, ...args: LiveSourceEvents[K]): void {
    for (const l of [...(this.listeners.get(event) ?? [])]) (l as (...a: LiveSourceEvents[K]) => void)(...args)
  }

  private connect(): void {
    const headers = this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : undefined
    const ws = new WebSocket(this.opts.url, { headers })
    this.ws = ws
    ws.on('open', () => this.opts.onConnect?.())
    ws.on('message', (data) => this.onMessage(String(data)))
    ws.on('error', (err) => this.opts.onProblem?.(`feed ${this.opts.url}: ${err.message}`))
    ws.on('close', () => {
      this.ws = null
      // the bridge went away: the DAW keeps playing, but nothing here knows where; stop writing
      this.emit('transport', { playing: false, time: 0, tempo: null })
      if (!this.closed) this.retry = setTimeout(() => this.connect(), this.opts.retryMs)
    })
  }

  private onMessage(text: string): void {
    let msg: FeedMessage
    try {
      msg = JSON.parse(text) as FeedMessage
    } catch {
      this.opts.onProblem?.(`feed sent a message that is not JSON (${text.slice(0, 40)}...)`)
      return
    }
    switch (msg.type) {
      case 'snapshot':
        this.emit('frames', msg.analysis.frames ?? [])
        this.emit('conflicts', msg.analysis.conflicts ?? [])
        this.emit('transport', msg.status.transport)
        break
      case 'frames':
        this.emit('frames', msg.frames)
        break
      case 'conflicts':
        this.emit('conflicts', msg.conflicts)
        break
      case 'invalidate':
        this.emit('invalidate', msg.start, msg.end)
        break
      case 'transport':
        this.emit('transport', msg.state)
        break
      case 'status':
        break
      default:
        break
    }
  }

  /** Disconnects and stops retrying. */
  close(): void {
    this.closed = true
    if (this.retry) clearTimeout(this.retry)
    this.ws?.close()
  }
}
