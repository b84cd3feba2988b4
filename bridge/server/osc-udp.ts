/**
 * OSC over UDP. One datagram is one OSC packet (a message or a bundle). When the bridge has a
 * token, a sender first sends `/emolane/auth <token>`; its address:port is then trusted until it
 * has been silent for `authIdleMs`.
 */
import { tokenMatches } from './auth.js'
import { excerpt } from './excerpt.js'
import { listenReason } from './listen-error.js'
import { IngestError } from './ingest-error.js'
import { decodeOsc, OscDecodeError } from './osc-codec.js'
import { AUTH_ADDRESS, routeOsc, type IngestSink } from './osc-router.js'
import type { RateLimiter } from './rate-limit.js'
import { UdpReceiver, type Datagram } from './udp-receiver.js'
import type { Reject } from './ws-ingest.js'

/** Options of the UDP listener. */
export type OscUdpOptions = {
  host: string
  port: number
  token: string | null
  /** A trusted sender silent this long must authenticate again, default 10 min */
  authIdleMs?: number
  /** Datagrams queued for the main thread beyond this many bytes are dropped (and counted), default 64 MiB */
  maxQueuedBytes?: number
}

/** Listens for OSC datagrams (read on their own thread, see udp-receiver.ts) and feeds them to the bridge input. */
export class OscUdpServer {
  private receiver: UdpReceiver | null = null
  private readonly trusted = new Map<string, number>()
  private readonly authIdleMs: number

  constructor(
    private readonly o: OscUdpOptions,
    private readonly sink: IngestSink,
    private readonly limiter: RateLimiter,
    private readonly reject: Reject,
  ) {
    this.authIdleMs = o.authIdleMs ?? 600_000
  }

  /** Binds; resolves with the port (useful with port 0). */
  async listen(): Promise<number> {
    const receiver = new UdpReceiver(
      { host: this.o.host, port: this.o.port, maxQueuedBytes: this.o.maxQueuedBytes },
      (d) => this.onDatagram(d),
      (p) => {
        if ('error' in p) this.reject('osc-malformed', `UDP socket error: ${p.error}`, 'osc-udp')
        else this.reject('ingest-overflow', `dropped ${p.dropped} datagram${p.dropped === 1 ? '' : 's'}: the bridge fell more than ${p.limit} bytes behind the UDP input`, 'osc-udp')
      },
    )
    try {
      const port = await receiver.listen()
      this.receiver = receiver
      return port
    } catch (err) {
      throw new Error(`cannot listen for OSC on udp://${this.o.host}:${this.o.port}: ${listenReason(err as Error, this.o.port, '--osc-port N')}`, { cause: err })
    }
  }

  /** The bound port (after listen). */
  get port(): number {
    return this.receiver?.port ?? this.o.port
  }

  /** True while datagrams wait on the UDP thread for the main thread. */
  get busy(): boolean {
    return (this.receiver?.queuedBytes ?? 0) > 0
  }

  /** Resolves once the datagrams that had arrived when called have been handled. */
  async drained(): Promise<void> {
    await this.receiver?.drained()
  }

  async close(): Promise<void> {
    const r = this.receiver
    this.receiver = null
    await r?.close()
  }

  private onDatagram({ data, address, port }: Datagram): void {
    const source = `osc-udp ${address}:${port}`
    if (!this.limiter.allow(source, data.length)) {
      this.reject('rate-limited', `dropped a ${data.length}-byte datagram: over the rate limit (options maxMessagesPerSecond, maxBytesPerSecond)`, source)
      return
    }
    let messages
    try {
      messages = decodeOsc(data)
    } catch (err) {
      if (err instanceof OscDecodeError) this.reject(err.code, `${err.message} (${data.length}-byte datagram)`, source)
      else this.reject('osc-malformed', `could not decode a ${data.length}-byte datagram: ${String(err)}`, source)
      return
    }
    const now = performance.now()
    for (const msg of messages) {
      if (this.o.token !== null) {
        if (msg.address === AUTH_ADDRESS) {
          const arg = msg.args[0]
          if (msg.args.length === 1 && arg?.type === 's' && tokenMatches(arg.value, this.o.token)) this.trusted.set(source, now)
          else this.reject('unauthorized', `${AUTH_ADDRESS} with a wrong or missing token`, source)
          continue
        }
        const since = this.trusted.get(source)
        if (since === undefined || now - since > this.authIdleMs) {
          this.trusted.delete(source)
          this.reject('unauthorized', `${excerpt(msg.address)} ignored: send ${AUTH_ADDRESS} <token> first (this bridge needs a token)`, source)
          continue
        }
        this.trusted.set(source, now)
        if (this.trusted.size > 4096) this.trusted.delete(this.trusted.keys().next().value!)
      } else if (msg.address === AUTH_ADDRESS) {
        continue // no token needed; a client that sends one anyway is welcome
      }
      try {
        routeOsc(msg, this.sink)
      } catch (err) {
        if (err instanceof IngestError) this.reject(err.code, `${excerpt(msg.address)}: ${err.message}`, source)
        else this.reject('osc-malformed', `${excerpt(msg.address)}: ${err instanceof Error ? err.message : String(err)}`, source)
      }
    }
  }
}
