/**
 * Clients that vanish mid-message: an ingest WebSocket closed (cleanly, or by a TCP reset) in the
 * middle of a fragmented message or of one binary frame, a handshake cut off, a feed client reset
 * while its snapshot is on the way, an HTTP client reset mid-request and mid-response. Nothing
 * half-received is applied, the bridge forgets the dead connections, keeps serving the others,
 * and the analysed timeline is intact.
 */
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { WebSocket } from 'ws'
import type { Analysis } from '../../bridge/analysis/types.js'
import type { Bridge } from '../../bridge/server/bridge.js'
import { encodeOsc } from '../../bridge/server/osc-codec.js'
import { encodeWsAudio } from '../../bridge/server/ws-audio-format.js'
import { FeedClient, until } from '../integration/live-helpers.js'
import { guardedBridge, timelineOf } from './socket-fuzz.js'

type Health = { ingestClients: number; status: { clients: number; transport: { tempo: number | null } } }

const rawSocket = (ws: WebSocket): Socket => (ws as unknown as { _socket: Socket })._socket

/** A masked client frame header (FIN + binary) announcing `length` payload bytes, and the masked first `send` bytes of it. */
function partialFrame(length: number, send: number): Buffer {
  const head = Buffer.alloc(2 + 8 + 4)
  head[0] = 0x82
  head[1] = 0x80 | 127
  head.writeBigUInt64BE(BigInt(length), 2)
  // mask key 0: payload goes as is
  return Buffer.concat([head, Buffer.alloc(send, 0x2f)])
}

describe('clients that vanish mid-message', () => {
  let bridge: Bridge
  let baseline: Analysis
  let remove: () => Promise<void>
  let watcher: FeedClient
  const health = async (): Promise<Health> => (await fetch(`${bridge.httpUrl}/health`)).json() as Promise<Health>
  const ingest = async (): Promise<WebSocket> => {
    const ws = new WebSocket(`${bridge.httpUrl!.replace('http', 'ws')}/ws-in`)
    ws.on('error', () => undefined)
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)))
    return ws
  }

  beforeAll(async () => {
    ;({ bridge, baseline, remove } = await guardedBridge({ pingIntervalMs: 1000 }))
    watcher = await FeedClient.connect(bridge.httpUrl!)
  }, 60_000)
  afterAll(async () => {
    watcher?.close()
    await remove?.()
  })

  test('an ingest connection closed in the middle of a fragmented message: the fragment is never applied', async () => {
    const errors: { code: string; message: string; source: string }[] = []
    const off = bridge.on('error', (e) => errors.push(e))
    const ws = await ingest()
    // first fragment on its own would be a valid /emolane/tempo 99; the message never completes
    ws.send(encodeOsc('/emolane/tempo', [99]), { binary: true, fin: false })
    ws.close()
    await sleep(300)
    expect(errors).toEqual([]) // a clean close is the sender's business
    const reset = await ingest()
    reset.send(encodeOsc('/emolane/tempo', [baseline.tempo ?? 120]))
    reset.send(encodeWsAudio({ channels: 1, sampleRate: 16000, time: 50, samples: new Float32Array(800) }).subarray(0, 400), { binary: true, fin: false })
    rawSocket(reset).resetAndDestroy() // TCP RST mid-message
    await sleep(300)
    const h = await until2(async () => (await health()).ingestClients === 0, 'the dead ingest connections to be forgotten')
    expect(h).toBe(true)
    expect(bridge.status().transport.tempo).toBe(baseline.tempo)
    expect(bridge.analysis().duration).toBe(baseline.duration) // the half audio frame at 50 s never landed
    // the reset is said, on the feed and in the log, with what became of what it sent
    await until(() => errors.length > 0, 5000, 'the vanished client to be reported')
    off()
    expect(errors.map((e) => e.code)).toEqual(['ingest-client-vanished'])
    expect(errors[0]!.message).toMatch(/went away without closing its connection .*\(1 message received\); a message it had only half sent is dropped/)
    expect(errors[0]!.source).toMatch(/^ws-in#\d+$/)
  })

  test('an ingest connection reset halfway through one 1 MB binary frame, and one cut off mid-handshake', async () => {
    const ws = await ingest()
    rawSocket(ws).write(partialFrame(1 << 20, 300_000))
    await new Promise((r) => setTimeout(r, 100))
    rawSocket(ws).resetAndDestroy()
    // half an upgrade request, then a reset
    const port = Number(new URL(bridge.httpUrl!).port)
    const half = connect(port, '127.0.0.1')
    await new Promise((r) => half.once('connect', r))
    half.write('GET /ws-in HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Ver')
    await new Promise((r) => setTimeout(r, 50))
    half.resetAndDestroy()
    expect(await until2(async () => (await health()).ingestClients === 0, 'no ingest connections left')).toBe(true)
    expect(timelineOf(bridge.analysis())).toEqual(timelineOf(baseline))
  })

  test('a feed client reset while a 2 MB snapshot is on its way is dropped; the others keep their feed', async () => {
    // lyrics far after the song make the snapshot big without touching its frames
    for (let i = 0; i < 1000; i++) bridge.lyricLine({ start: 100 + i, end: 100.5 + i, text: `line ${i} `.padEnd(1900, 'la ') })
    const lines = baseline.lyrics.length + 1000
    await until(() => watcher.lyrics().length === lines, 10_000, 'the watcher to get all the lines')
    for (let k = 0; k < 5; k++) {
      const ws = new WebSocket(`${bridge.httpUrl!.replace('http', 'ws')}/ws`)
      ws.on('error', () => undefined)
      await new Promise((r) => ws.once('upgrade', r))
      rawSocket(ws).pause()
      await sleep(20)
      rawSocket(ws).resetAndDestroy()
    }
    expect(await until2(async () => (await health()).status.clients === 1, 'only the watcher left on the feed')).toBe(true)
    bridge.lyricLine({ start: 1150, end: 1151, text: 'one more' })
    await until(() => watcher.lyrics().length === lines + 1, 10_000, 'the watcher to see one more line')
  })

  test('an HTTP client reset mid-request and mid-response (a 2 MB /api/analysis) leaves the server answering', async () => {
    const port = Number(new URL(bridge.httpUrl!).port)
    for (const request of ['GET /api/anal', 'GET /api/analysis HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n']) {
      const s = connect(port, '127.0.0.1')
      await new Promise((r) => s.once('connect', r))
      s.write(request)
      await sleep(30)
      s.resetAndDestroy()
    }
    const res = await fetch(`${bridge.httpUrl}/api/analysis`)
    expect(res.status).toBe(200)
    const got = (await res.json()) as Analysis
    expect(got.lyrics.length).toBe(baseline.lyrics.length + 1001)
    expect(timelineOf({ ...got, lyrics: baseline.lyrics })).toEqual(timelineOf(baseline))
  })

  test('a DAW whose connection died mid-stream reconnects and carries on where it was', async () => {
    const first = await ingest()
    const block = (t: number) => encodeWsAudio({ channels: 1, sampleRate: 16000, time: t, samples: Float32Array.from({ length: 1600 }, (_, i) => 0.1 * Math.sin((t * 16000 + i) / 9)) })
    first.send(encodeOsc('/emolane/transport/seek', [60]))
    for (let i = 0; i < 20; i++) first.send(block(60 + i / 10))
    // (a reset discards what the bridge has not read yet: let the whole blocks land first)
    await until(() => bridge.analysis().duration >= 61.99, 5000, 'the first 2 s')
    first.send(block(62).subarray(0, 1000), { binary: true, fin: false }) // dies in the middle of a block
    const vanishedBefore = bridge.errors.count('ingest-client-vanished')
    rawSocket(first).resetAndDestroy()
    await until(() => bridge.errors.count('ingest-client-vanished') === vanishedBefore + 1, 5000, 'the dead connection to be reported')
    const second = await ingest()
    for (let i = 20; i < 60; i++) second.send(block(60 + i / 10))
    second.send(encodeOsc('/emolane/transport/stop'))
    const errors: string[] = []
    const off = bridge.on('error', (e) => errors.push(e.code))
    await until(() => bridge.analysis().frames.some((f) => f.t === 65.5), 20_000, 'frames over the reconnected stream')
    await bridge.settle()
    off()
    second.close()
    expect(errors).toEqual([]) // the blocks after the reconnect continue the run: no overlap, no gap
    const ts = bridge.analysis().frames.map((f) => f.t).filter((t) => t >= 60)
    expect(ts).toEqual(Array.from({ length: 12 }, (_, i) => 60 + i / 2))
    expect(bridge.analysis().frames.filter((f) => f.t < 13)).toEqual(baseline.frames)
  })

  test('an ingest client that stops answering pings is disconnected and reported; what it sent stays', async () => {
    const ws = new WebSocket(`${bridge.httpUrl!.replace('http', 'ws')}/ws-in`, { autoPong: false })
    ws.on('error', () => undefined)
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)))
    const closed = new Promise<number>((r) => ws.once('close', r))
    const errors: string[] = []
    const off = bridge.on('error', (e) => errors.push(`${e.code}: ${e.message}`))
    ws.send(encodeOsc('/emolane/lyrics/line', [200, 202, 'a hung sender']))
    await until(() => bridge.analysis().lyrics.some((l) => l.text === 'a hung sender'), 5000, 'its lyric line')
    expect(await closed).toBe(1006) // terminated by the bridge after a ping went unanswered
    await until(() => errors.length > 0, 5000, 'the hung client to be reported')
    off()
    expect(errors).toEqual([expect.stringMatching(/^ingest-client-unresponsive: disconnected an ingest client that stopped answering pings \(no pong within 1000 ms\); what it sent before stays in the timeline \(1 message received\)$/)])
    expect(bridge.analysis().lyrics.some((l) => l.text === 'a hung sender')).toBe(true)
    expect(bridge.analysis().frames.filter((f) => f.t < 13)).toEqual(baseline.frames)
  })
})

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Polls an async check until true (throws after 5 s). */
async function until2(check: () => Promise<boolean>, what: string): Promise<boolean> {
  const deadline = Date.now() + 5000
  while (Date.now() < deadline) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}
