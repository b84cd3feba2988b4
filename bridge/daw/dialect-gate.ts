/**
 * Who may reach a DAW dialect port, and how much. A DAW's own OSC cannot present the bridge's
 * token, so the bridge's exposure rule holds here by other means: the ports bind 127.0.0.1 unless
 * told otherwise (whatever the bridge's own --host), anywhere else only listed senders are taken,
 * and every datagram meets the bridge's message-size and per-source rate limits.
 */
import { isIPv4 } from 'node:net'
import { bridgeDefaults, isLoopback } from '../server/options.js'
import { RateLimiter } from '../server/rate-limit.js'

/** Where dialect ports listen and whom they hear. */
export type DialectGateOptions = {
  /** Address the dialect sockets bind (`--daw-host`), default 127.0.0.1 whatever the bridge's host; anything but loopback needs `allow` */
  host?: string
  /** IPv4 addresses whose datagrams are taken (`--daw-allow`), required off loopback; null: any sender that can reach the port */
  allow?: readonly string[] | null
  /** Largest datagram taken, bytes, default the bridge's maxMessageBytes (8 MiB) */
  maxMessageBytes?: number
  /** Datagrams per second per sender address:port, one second of burst, default the bridge's 4000 */
  maxMessagesPerSecond?: number
  /** Bytes per second per sender address:port, default the bridge's 32 MiB */
  maxBytesPerSecond?: number
}

/** The defaults, in one place. */
export const dialectGateDefaults = {
  host: '127.0.0.1',
  allow: null as readonly string[] | null,
  maxMessageBytes: bridgeDefaults.maxMessageBytes,
  maxMessagesPerSecond: bridgeDefaults.maxMessagesPerSecond,
  maxBytesPerSecond: bridgeDefaults.maxBytesPerSecond,
}

/** Why a datagram was dropped: a feed error code and a message naming the sender. */
export type GateRefusal = { code: 'daw-not-allowed' | 'message-too-large' | 'rate-limited'; message: string }

/** Parses a `--daw-allow` value: IPv4 addresses, comma-separated. */
export function parseAllowList(value: string): string[] {
  const list = value.split(',').map((s) => s.trim()).filter(Boolean)
  if (list.length === 0) throw new RangeError(`--daw-allow expects IPv4 addresses, comma-separated (e.g. 192.168.1.20), got ${JSON.stringify(value)}`)
  return list
}

/** Merges defaults and checks: a non-loopback host without an allow-list is a TypeError, bad values a RangeError. */
export function resolveDialectGate(options: DialectGateOptions = {}): typeof dialectGateDefaults {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined))
  const o = { ...dialectGateDefaults, ...defined } as typeof dialectGateDefaults
  if (typeof o.host !== 'string' || o.host.trim() === '') throw new RangeError(`the DAW dialect host must be an address like 127.0.0.1, got ${JSON.stringify(o.host)}`)
  if (o.allow !== null) {
    if (!Array.isArray(o.allow)) throw new TypeError(`the DAW allow-list must be an array of IPv4 addresses, got ${typeof o.allow}`)
    if (o.allow.length === 0) throw new RangeError('the DAW allow-list (--daw-allow) must name at least one IPv4 address, got none')
    for (const ip of o.allow) {
      if (!isIPv4(ip)) throw new RangeError(`--daw-allow takes IPv4 addresses of the machines the DAWs run on (e.g. 192.168.1.20), got ${JSON.stringify(ip)}`)
      if (ip === '0.0.0.0') throw new RangeError("--daw-allow 0.0.0.0 is no sender address: list the DAW machines' addresses instead")
    }
  }
  if (!isLoopback(o.host) && o.allow === null) {
    throw new TypeError(
      `DAW dialect ports on ${o.host} (not loopback) need --daw-allow IP[,IP...]: a DAW's own OSC carries no token, so anyone on the network could otherwise move the transport and write sections and lyrics`,
    )
  }
  for (const key of ['maxMessageBytes', 'maxMessagesPerSecond', 'maxBytesPerSecond'] as const) {
    if (typeof o[key] !== 'number' || !(o[key] > 0) || !Number.isFinite(o[key])) throw new RangeError(`${key} must be a positive number, got ${String(o[key])}`)
  }
  return o
}

/** Checks each datagram on a dialect port before it is decoded; one gate may serve several ports. */
export class DialectGate {
  /** The address the ports bind. */
  readonly host: string
  /** The senders taken; null: any that can reach the port (loopback only). */
  readonly allow: ReadonlySet<string> | null
  private readonly maxMessageBytes: number
  private readonly limiter: RateLimiter

  constructor(options: DialectGateOptions = {}, now?: () => number) {
    const o = resolveDialectGate(options)
    this.host = o.host
    this.allow = o.allow === null ? null : new Set(o.allow)
    this.maxMessageBytes = o.maxMessageBytes
    this.limiter = new RateLimiter(o.maxMessagesPerSecond, o.maxBytesPerSecond, now)
  }

  /** Who is heard, for the terminal: '' when any local sender is, else ' (only from A, B)'. */
  describe(): string {
    return this.allow === null ? '' : ` (only from ${[...this.allow].join(', ')})`
  }

  /** Null when a datagram of `bytes` from `address:port` may go on to dialect `name`, else why not. */
  check(name: string, address: string, port: number, bytes: number): GateRefusal | null {
    const from = `a ${bytes}-byte datagram from ${address}:${port}`
    if (this.allow !== null && !this.allow.has(address)) {
      return { code: 'daw-not-allowed', message: `dropped ${from}: not in --daw-allow (${[...this.allow].join(', ')})` }
    }
    if (bytes > this.maxMessageBytes) {
      return { code: 'message-too-large', message: `dropped ${from}: over the ${this.maxMessageBytes}-byte limit (option maxMessageBytes)` }
    }
    if (!this.limiter.allow(`${name} ${address}:${port}`, bytes)) {
      return { code: 'rate-limited', message: `dropped ${from}: over the rate limit (options maxMessagesPerSecond, maxBytesPerSecond)` }
    }
    return null
  }
}
