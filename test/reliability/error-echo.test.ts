/**
 * Error text never echoes an attacker's payload: one 8 MB message on /ws-in (an address, type tags,
 * a string or trailing bytes of megabytes) gives the sender, every feed client and the log a short
 * error quoting at most a short, escaped excerpt; repeated errors from one source are rate-limited.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { WebSocket } from 'ws'
import type { Bridge } from '../../bridge/server/bridge.js'
import { encodeOsc } from '../../bridge/server/osc-codec.js'
import { FeedClient, startBridge, until } from '../integration/live-helpers.js'

const MB8 = 8_000_000

/** OSC-shaped payloads of about 8 MB, each refused for a different reason. */
function attacks(): [what: string, data: Uint8Array | string][] {
  const pad = (n: number) => (n + 3) & ~3
  const address = new Uint8Array(pad(MB8 + 1))
  address.fill(0x61)
  address[0] = 0x2f // '/' then 8 MB of 'a', never terminated within the limit
  const tags = new Uint8Array(pad(MB8))
  tags.set(new TextEncoder().encode('/emolane/tempo\0\0,'))
  tags.fill(0x4e /* N */, 17, MB8 - 1)
  const text = encodeOsc('/emolane/lyrics/line', [1, 2, 'x'.repeat(MB8 - 64)])
  const trailing = new Uint8Array(pad(MB8))
  trailing.set(encodeOsc('/emolane/tempo', [120]))
  trailing.fill(0x7a, 24)
  return [
    ['an 8 MB address', address],
    ['8 MB of type tags', tags],
    ['an 8 MB lyric string', text],
    ['8 MB of trailing bytes', trailing],
    ['an 8 MB text message', 'z'.repeat(MB8)],
  ]
}

describe('an 8 MB message on /ws-in is refused in a few hundred bytes', () => {
  let bridge: Bridge
  const log: string[] = []
  beforeAll(async () => {
    bridge = await startBridge({ persist: false, log: (line) => log.push(line) })
  })
  afterAll(() => bridge?.close())

  test('the sender, another feed client and the log each get a short error; nothing is applied', async () => {
    const feed = await FeedClient.connect(bridge.httpUrl!)
    let feedBytes = 0
    feed.ws.on('message', (d: Buffer) => (feedBytes += d.length))
    const ws = new WebSocket(`${bridge.httpUrl!.replace('http', 'ws')}/ws-in`)
    const replies: string[] = []
    ws.on('message', (d) => replies.push(String(d)))
    await new Promise((r) => ws.once('open', r))
    const sent = attacks()
    const figures: string[] = []
    for (const [what, data] of sent) {
      const before = { replies: replies.length, feedBytes, log: log.length }
      ws.send(data)
      await until(() => replies.length > before.replies, 30_000, `the reply to ${what}`)
      await until(() => feed.of('error').length >= sent.indexOf(sent.find(([w]) => w === what)!) + 1, 10_000, `the feed error for ${what}`)
      const reply = replies.at(-1)!
      const logged = log.slice(before.log).join('\n')
      expect(reply.length, `${what}: reply`).toBeLessThan(1000)
      expect(logged.length, `${what}: log`).toBeLessThan(1000)
      expect(feedBytes - before.feedBytes, `${what}: feed`).toBeLessThan(2000)
      // an excerpt, escaped: never a run of the payload longer than the excerpt
      expect(reply).not.toMatch(/a{100}|N{100}|x{100}|z{100}/)
      figures.push(`${what}: reply ${reply.length} B, feed ${feedBytes - before.feedBytes} B, log ${logged.length} B`)
    }
    console.log(`echoed per 8,000,000-byte message:\n${figures.join('\n')}`)
    expect(bridge.status().transport.tempo).toBeNull()
    expect(bridge.analysis().lyrics).toEqual([])
    ws.close()
    feed.close()
  })

  test('repeated errors from one source are rate-limited on the feed and in the log (at most 5 a second per code)', async () => {
    const feed = await FeedClient.connect(bridge.httpUrl!)
    const ws = new WebSocket(`${bridge.httpUrl!.replace('http', 'ws')}/ws-in`)
    const replies: string[] = []
    ws.on('message', (d) => replies.push(String(d)))
    await new Promise((r) => ws.once('open', r))
    const started = performance.now()
    const logBefore = log.length
    for (let i = 0; i < 200; i++) ws.send(encodeOsc('/emolane/no-such-address', [i]))
    await until(() => replies.length === 200, 30_000, '200 replies to the sender')
    const seconds = (performance.now() - started) / 1000
    await until(() => bridge.errors.count('osc-unknown-address') >= 200, 10_000, '200 counted errors')
    const shown = feed.of('error').filter((m) => m.error.code === 'osc-unknown-address').length
    expect(shown).toBeGreaterThan(0)
    expect(shown).toBeLessThanOrEqual(5 * (Math.ceil(seconds) + 1))
    expect(log.length - logBefore).toBeLessThanOrEqual(5 * (Math.ceil(seconds) + 1))
    ws.close()
    feed.close()
  })
})
