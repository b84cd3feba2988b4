import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { WebSocket } from 'ws'
import { FeedServer } from '../../../bridge/server/feed-server.js'
import type { FeedMessage } from '../../../bridge/server/protocol.js'

let server: Server | null = null
let feed: FeedServer | null = null

afterEach(async () => {
  feed?.close()
  await new Promise((r) => (server ? (server.closeAllConnections(), server.close(r)) : r(null)))
  server = feed = null
})

async function start(o: Partial<ConstructorParameters<typeof FeedServer>[0]> = {}, snapshotSize = 10) {
  const problems: string[] = []
  let snapshots = 0
  feed = new FeedServer(
    { maxClients: 4, maxBufferedBytes: 64 * 1024, lagTimeoutMs: 30_000, pingIntervalMs: 60_000, ...o },
    () => {
      snapshots++
      return { type: 'lyrics', lines: [{ start: 0, end: 1, text: 'x'.repeat(snapshotSize) }] } as FeedMessage
    },
    (code) => problems.push(code),
    () => undefined,
  )
  const f = feed
  server = createServer()
  server.on('upgrade', (req, socket, head) => f.handleUpgrade(req, socket, head))
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`
  return { url, problems, snapshots: () => snapshots }
}

const open = async (url: string, opts = {}): Promise<WebSocket> => {
  const ws = new WebSocket(url, opts)
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)))
  return ws
}

describe('FeedServer', () => {
  test('a new client gets the snapshot first, then broadcasts', async () => {
    const { url } = await start()
    const ws = new WebSocket(url)
    const got: string[] = []
    ws.on('message', (d) => got.push(JSON.parse(String(d)).type))
    await new Promise((r) => ws.once('open', r))
    await new Promise((r) => setTimeout(r, 50))
    feed!.broadcast({ type: 'invalidate', start: 0, end: 1 })
    await new Promise((r) => setTimeout(r, 50))
    expect(got).toEqual(['lyrics', 'invalidate'])
    ws.close()
  })

  test('refuses clients beyond maxClients with close code 1013 and says so', async () => {
    const { url, problems } = await start({ maxClients: 1 })
    const a = await open(url)
    const b = new WebSocket(url)
    const code = await new Promise((r) => b.once('close', (c) => r(c)))
    expect(code).toBe(1013)
    expect(problems).toContain('too-many-clients')
    a.close()
  })

  test('a client that stops reading skips updates instead of queueing them, then gets one fresh snapshot', async () => {
    const { url, snapshots } = await start({ maxBufferedBytes: 32 * 1024 })
    const ws = await open(url)
    await new Promise((r) => setTimeout(r, 50))
    const socket = (ws as unknown as { _socket: import('node:net').Socket })._socket
    socket.pause() // the panel's tab is frozen
    const big: FeedMessage = { type: 'lyrics', lines: [{ start: 0, end: 1, text: 'y'.repeat(200_000) }] }
    for (let i = 0; i < 200; i++) {
      feed!.broadcast(big)
      await new Promise((r) => setImmediate(r))
    }
    expect(feed!.skipped).toBeGreaterThan(100) // 40 MB offered; most of it never queued
    const before = snapshots()
    socket.resume()
    await new Promise((r) => setTimeout(r, 500)) // drains
    feed!.broadcast({ type: 'invalidate', start: 0, end: 1 })
    await new Promise((r) => setTimeout(r, 100))
    expect(snapshots()).toBe(before + 1)
    ws.close()
  })

  test('a client that answers no ping is terminated', async () => {
    const { url } = await start({ pingIntervalMs: 100 })
    const ws = await open(url, { autoPong: false })
    const closed = new Promise((r) => ws.once('close', r))
    await closed
    expect(feed!.size).toBe(0)
  })
})
