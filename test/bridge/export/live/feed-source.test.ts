import { createSocket } from 'node:dgram'
import type { AddressInfo } from 'node:net'
import OSC from 'osc-js'
import { afterEach, expect, test } from 'vitest'
import { WebSocketServer } from 'ws'
import { FeedSource } from '../../../../bridge/export/live/feed-source.js'
import { LiveWriter } from '../../../../bridge/export/live/live-writer.js'
import type { FeedMessage } from '../../../../bridge/server/protocol.js'
import { makeAnalysis } from '../analysis-fixture.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
let cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.reverse()) await c()
  cleanups = []
})

/** A stand-in for the bridge's /ws feed: sends each connecting client the given messages. */
async function fakeFeed(messages: () => FeedMessage[]): Promise<{ url: string; wss: WebSocketServer; headers: Record<string, string | undefined>[] }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  const headers: Record<string, string | undefined>[] = []
  wss.on('connection', (ws, req) => {
    headers.push({ authorization: req.headers.authorization })
    for (const m of messages()) ws.send(JSON.stringify(m))
  })
  await new Promise((resolve) => wss.once('listening', resolve))
  cleanups.push(() => new Promise((resolve) => wss.close(resolve)))
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`, wss, headers }
}

test('a live writer following the bridge feed writes to the DAW while the feed says it plays', async () => {
  const analysis = makeAnalysis({ duration: 30 })
  const status = { transport: { playing: true, time: 10, tempo: 96 } } as unknown as Extract<FeedMessage, { type: 'snapshot' }>['status']
  const feed = await fakeFeed(() => [{ type: 'snapshot', analysis, status }])

  const daw = createSocket('udp4')
  const received: { address: string; args: unknown[] }[] = []
  daw.on('message', (buf) => {
    const p = new OSC.Packet()
    p.unpack(new DataView(buf.buffer, buf.byteOffset, buf.byteLength))
    received.push(p.value as unknown as { address: string; args: unknown[] })
  })
  await new Promise<void>((resolve) => daw.bind(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise<void>((resolve) => daw.close(() => resolve())))

  const writer = await LiveWriter.create({ dialect: 'reaper', mapping: { name: 'm', lanes: [{ curve: 'fused.arousal', target: { cc: 1 } }] }, host: '127.0.0.1', port: (daw.address() as AddressInfo).port })
  const source = new FeedSource({ url: feed.url, token: 'secret' })
  writer.init(source)
  cleanups.push(() => writer.destroy(), () => source.close())
  await sleep(400)
  expect(feed.headers[0]!.authorization).toBe('Bearer secret')
  expect(received.length).toBeGreaterThanOrEqual(1)
  expect(received[0]!.address).toBe('/track/1/fx/1/fxparam/1/value')
  const frame = analysis.frames.findLast((f) => f.t <= 10)!
  expect(received[0]!.args[0]).toBeCloseTo((frame.arousal + 1) / 2, 5)

  // the bridge goes away: writing stops
  for (const client of feed.wss.clients) client.terminate()
  await sleep(100)
  const count = received.length
  await sleep(300)
  expect(received.length).toBe(count)
  expect(writer.writing).toBe(false)
})

test('a feed URL that is not ws:// is refused', () => {
  expect(() => new FeedSource({ url: 'http://127.0.0.1:8080/ws' })).toThrow(/must start with ws:\/\/ or wss:\/\//)
})
