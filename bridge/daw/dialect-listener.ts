/**
 * A UDP socket for one DAW dialect: receives the DAW's OSC (bundles included), feeds it to a
 * DialectSession, and sends the preset's queries (AbletonOSC start_listen, DrivenByMoss refresh)
 * on start and on their intervals. Bad packets are reported and dropped; the socket keeps going.
 */
import { createSocket, type Socket } from 'node:dgram'
import { listenReason } from '../server/listen-error.js'
import { decodeOsc, encodeOsc, OscDecodeError } from '../server/osc-codec.js'
import type { BridgeErrorInfo, BridgeInput } from '../server/protocol.js'
import type { DialectPreset } from './dialect-preset.js'
import { DialectGate, type DialectGateOptions } from './dialect-gate.js'
import { DialectMessageError, DialectSession } from './dialect-session.js'
import type { MarkerSink } from './marker-sync.js'
import type { TransportFollower } from './transport-follower.js'

export type DialectListenerOptions = DialectGateOptions & {
  /** A gate shared with other listeners (attachDialects makes one); default: one made from the options above */
  gate?: DialectGate
  /** UDP port to listen on, default the preset's listenPort (0 picks a free one) */
  port?: number
  /** Where queries go, default the preset's sendTo */
  sendTo?: { host: string; port: number }
  /** Bad input from the DAW, reported and dropped */
  onError?: (error: BridgeErrorInfo) => void
  /** Progress lines for the terminal ("listening", "first message from ...") */
  log?: (line: string) => void
  /** Coalesce marker bursts for this long, default 100 ms */
  markerDebounceMs?: number
}

/** Counters a listener keeps, for status and tests. */
export type DialectStats = {
  packets: number
  messages: number
  ignored: number
  errors: number
  /** Datagrams the gate dropped before decoding: sender not allowed, too large, over the rate */
  refused: number
}

/** A listening dialect. */
export type DialectListener = {
  preset: DialectPreset
  /** The address bound (127.0.0.1 unless `host` said otherwise). */
  host: string
  /** The UDP port actually bound. */
  port: number
  session: DialectSession
  stats: DialectStats
  close(): Promise<void>
}

/** Binds the dialect's UDP port and starts following the DAW. */
export async function listenDialect(preset: DialectPreset, sink: BridgeInput & MarkerSink, transport: TransportFollower, options: DialectListenerOptions = {}): Promise<DialectListener> {
  const gate = options.gate ?? new DialectGate(options)
  const host = gate.host
  const port = options.port ?? preset.listenPort
  const sendTo = options.sendTo ?? preset.sendTo
  const log = options.log ?? (() => {})
  const onError = options.onError ?? ((e) => console.error(`emolane: ${e.source}: ${e.message}`))
  const session = new DialectSession(preset, sink, transport, { markerDebounceMs: options.markerDebounceMs, log })
  const stats: DialectStats = { packets: 0, messages: 0, ignored: 0, errors: 0, refused: 0 }
  const source = `daw-${preset.name}`
  const report = (code: string, message: string) => {
    stats.errors++
    onError({ code, message, source, time: new Date().toISOString() })
  }

  const socket: Socket = createSocket({ type: 'udp4', reuseAddr: false })
  await new Promise<void>((resolve, reject) => {
    const socketOnBindError = (err: NodeJS.ErrnoException) => {
      const why = listenReason(err, port, `--daw ${preset.name}:PORT`, 'another emolane, or the DAW itself?')
      reject(new Error(`cannot listen for ${preset.name} OSC on ${host}:${port}: ${why}`, { cause: err }))
    }
    socket.once('error', socketOnBindError)
    socket.bind(port, host, () => {
      socket.off('error', socketOnBindError)
      resolve()
    })
  })
  const bound = socket.address().port
  log(`${preset.name}: listening for OSC on udp://${host}:${bound}${gate.describe()}`)

  let heard = false
  socket.on('message', function socketOnMessage(data, rinfo) {
    stats.packets++
    const refusal = gate.check(preset.name, rinfo.address, rinfo.port, data.byteLength)
    if (refusal) {
      stats.refused++
      return report(refusal.code, `${preset.name}: ${refusal.message}`)
    }
    if (!heard) {
      heard = true
      log(`${preset.name}: first message from ${rinfo.address}:${rinfo.port}`)
    }
    let messages
    try {
      messages = decodeOsc(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    } catch (err) {
      return report(err instanceof OscDecodeError ? err.code : 'osc-malformed', `${preset.name}: malformed OSC from ${rinfo.address}:${rinfo.port}: ${(err as Error).message}`)
    }
    for (const msg of messages) {
      stats.messages++
      try {
        if (!session.handle(msg)) stats.ignored++
      } catch (err) {
        if (err instanceof DialectMessageError) report('daw-bad-args', err.message)
        else report('daw-fault', `${preset.name}: ${msg.address}: ${(err as Error).message}`)
      }
    }
  })
  socket.on('error', function socketOnError(err) {
    report('daw-socket', `${preset.name}: socket error: ${err.message}`)
  })

  const timers: ReturnType<typeof setInterval>[] = []
  const sendQueries = (messages: DialectPreset['queries'][number]['messages']) => {
    if (!sendTo) return
    for (const q of messages) {
      const packet = encodeOsc(q.address, (q.args ?? []).map((a) => (typeof a === 'number' && Number.isInteger(a) ? { type: 'i' as const, value: a } : a)))
      socket.send(packet, sendTo.port, sendTo.host, (err) => {
        if (err) report('daw-send', `${preset.name}: cannot send ${q.address} to ${sendTo.host}:${sendTo.port}: ${err.message}`)
      })
    }
  }
  for (const group of preset.queries) {
    sendQueries(group.messages)
    if (group.everyMs > 0) timers.push(setInterval(() => sendQueries(group.messages), group.everyMs))
  }
  if (sendTo && preset.queries.length > 0) log(`${preset.name}: asking ${sendTo.host}:${sendTo.port} for transport and markers`)

  let closed = false
  return {
    preset,
    host,
    port: bound,
    session,
    stats,
    close: () => {
      if (closed) return Promise.resolve()
      closed = true
      for (const t of timers) clearInterval(t)
      session.close()
      return new Promise<void>((resolve) => socket.close(() => resolve()))
    },
  }
}
