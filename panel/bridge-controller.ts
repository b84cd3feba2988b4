/**
 * BridgeController: a Lit reactive controller that keeps the panel's timeline in step with the
 * bridge's /ws feed. Connects when the host connects, reconnects by itself with exponential backoff
 * when the bridge goes away, starts over from the snapshot the bridge sends on every (re)connect,
 * and asks the host to re-render on every change.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { parseFeedMessage, TimelineState } from './timeline-state.js'

/** Where the connection stands, as the status bar says it. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed'

/** The subset of the browser WebSocket the controller uses (tests pass a fake). */
export type FeedSocket = {
  onopen: ((ev: Event) => void) | null
  onclose: ((ev: CloseEvent) => void) | null
  onerror: ((ev: Event) => void) | null
  onmessage: ((ev: MessageEvent) => void) | null
  close(code?: number, reason?: string): void
}

export type BridgeControllerOptions = {
  /** Feed URL, e.g. ws://127.0.0.1:8080/ws?token=...; required. */
  url: string
  /** First reconnect delay in ms, default 250. */
  retryMinMs?: number
  /** Longest reconnect delay in ms, default 4000. */
  retryMaxMs?: number
  /** Opens a socket; default the browser's WebSocket. */
  connect?: (url: string) => FeedSocket
  /** Local clock in ms; default performance.now(). */
  now?: () => number
}

const defaults = {
  retryMinMs: 250,
  retryMaxMs: 4000,
  connect: (url: string): FeedSocket => new WebSocket(url),
  now: () => performance.now(),
}

/** Connects a Lit host to the bridge feed and holds the timeline it streams. */
export class BridgeController implements ReactiveController {
  /** The timeline as last streamed; kept (and still drawn) while the bridge is away. */
  readonly state = new TimelineState()
  connection: ConnectionState = 'closed'
  /** Failed attempts since the last good connection. */
  attempt = 0
  /** Local time (ms) of the next reconnect attempt while reconnecting. */
  nextRetryAt: number | null = null
  /** Local time (ms) the bridge went away, null while connected. */
  lostAt: number | null = null
  /** Times the feed came back after being lost. */
  reconnects = 0
  /** Last socket-level problem, in words. */
  lastProblem: string | null = null

  private readonly host: ReactiveControllerHost
  private readonly opts: BridgeControllerOptions & typeof defaults
  private socket: FeedSocket | null = null
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private wasOpen = false
  /** Snapshots on the current socket: only the first after a reconnect counts as one (the bridge also sends fresh ones to a lagging client and after a preset switch). */
  private socketSnapshots = 0
  private active = false

  constructor(host: ReactiveControllerHost, options: BridgeControllerOptions) {
    if (!options.url) throw new TypeError('BridgeController needs a feed url, got none')
    this.host = host
    this.opts = { ...defaults, ...options }
    if (this.opts.retryMinMs <= 0 || this.opts.retryMaxMs < this.opts.retryMinMs) {
      throw new RangeError(`need 0 < retryMinMs <= retryMaxMs, got ${this.opts.retryMinMs} and ${this.opts.retryMaxMs}`)
    }
    host.addController(this)
  }

  hostConnected(): void {
    this.active = true
    this.open()
  }

  hostDisconnected(): void {
    this.active = false
    this.clearRetry()
    this.dropSocket()
    this.connection = 'closed'
  }

  /** Local clock reading, as used for the play head. */
  now(): number {
    return this.opts.now()
  }

  /** Delay before the next attempt: doubling from retryMinMs up to retryMaxMs, with ±20 % jitter. */
  retryDelay(attempt: number): number {
    const base = Math.min(this.opts.retryMaxMs, this.opts.retryMinMs * 2 ** Math.max(0, attempt - 1))
    return Math.round(base * (0.8 + 0.4 * Math.random()))
  }

  /** Skips the wait and tries the bridge now (the status bar's "retry now"). */
  retryNow(): void {
    if (this.connection !== 'reconnecting' || !this.active) return
    this.clearRetry()
    this.open()
  }

  private open(): void {
    this.dropSocket()
    this.socketSnapshots = 0
    this.connection = this.attempt === 0 && !this.wasOpen && this.lostAt === null ? 'connecting' : 'reconnecting'
    let socket: FeedSocket
    try {
      socket = this.opts.connect(this.opts.url)
    } catch (err) {
      this.lastProblem = `could not open ${this.opts.url}: ${err instanceof Error ? err.message : String(err)}`
      this.scheduleRetry()
      return
    }
    this.socket = socket
    socket.onopen = () => this.socketOnOpen()
    socket.onmessage = (ev) => this.socketOnMessage(ev)
    // A failed socket always closes too; socketOnClose says what happened.
    socket.onerror = null
    socket.onclose = (ev) => this.socketOnClose(socket, ev)
    this.host.requestUpdate()
  }

  private socketOnOpen(): void {
    this.connection = 'open'
    this.wasOpen = true
    this.host.requestUpdate()
  }

  private socketOnMessage(ev: MessageEvent): void {
    if (typeof ev.data !== 'string') {
      this.state.rejected++
      return
    }
    try {
      const msg = parseFeedMessage(ev.data)
      this.state.apply(msg, this.now())
      if (msg.type === 'snapshot') {
        if (this.socketSnapshots++ === 0 && this.state.snapshots > 1) this.reconnects++
        this.attempt = 0
        this.lostAt = null
        this.nextRetryAt = null
        this.lastProblem = null
      }
    } catch (err) {
      this.state.rejected++
      this.lastProblem = err instanceof Error ? err.message : String(err)
    }
    this.host.requestUpdate()
  }

  private socketOnClose(socket: FeedSocket, ev: CloseEvent): void {
    if (socket !== this.socket) return
    this.socket = null
    if (!this.active) return
    if (this.lostAt === null) this.lostAt = this.now()
    // Freeze the play head where it was: the transport is unknown until the bridge is back.
    const t = this.state.transport
    this.state.transport = { ...t, playing: false, time: this.state.playhead(this.now()), receivedAt: this.now() }
    if (ev.code === 4401 || ev.code === 1008) this.lastProblem = `the bridge refused the feed: ${ev.reason || 'token missing or wrong'}`
    else if (this.wasOpen) this.lastProblem = 'the bridge went away; the timeline shown is what it last sent'
    else this.lastProblem = `no bridge answering at ${this.opts.url}`
    this.scheduleRetry()
  }

  private scheduleRetry(): void {
    this.attempt++
    this.connection = 'reconnecting'
    const delay = this.retryDelay(this.attempt)
    this.nextRetryAt = this.now() + delay
    this.clearRetry()
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      if (this.active) this.open()
    }, delay)
    this.host.requestUpdate()
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    this.retryTimer = null
  }

  private dropSocket(): void {
    const s = this.socket
    this.socket = null
    if (!s) return
    s.onopen = s.onmessage = s.onerror = s.onclose = null
    try {
      s.close()
    } catch {
      // Closing a socket that never opened can throw in some browsers; it is gone either way.
    }
  }
}
