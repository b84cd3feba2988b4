/**
 * One sender flooding the UDP port with ~60 KB datagrams of 60,000 `N` type tags (refused, each
 * costing a bounded amount of work) while a clip streams in real time: live frames stay on time
 * (median hop latency within 2x of the same clip streamed quietly, measured in the same test),
 * /health keeps answering, and every flood datagram is refused without being parsed in full.
 * The flood is bounded in rate and count and goes to 127.0.0.1 only.
 */
import { Worker } from 'node:worker_threads'
import { describe, expect, test } from 'vitest'
import { HopLatency } from '../../bench/hop-latency.js'
import type { Frame } from '../../bridge/analysis/types.js'
import { playInto } from '../../bridge/stream/file-player.js'
import { openTarget } from '../../bridge/stream/stream-target.js'
import { demoClip, FeedClient, startBridge } from '../integration/live-helpers.js'
import { LONG } from './fuzz-support.js'

const CLIP_SECONDS = LONG ? 30 : 12
/** Flood datagrams per second, from one port. */
const RATE = 300
const TAGS = 60_000

// A worker thread sends the flood so that the test's own thread (the bridge's) pays nothing for it.
const FLOODER = `
const { parentPort, workerData } = require('node:worker_threads')
const { createSocket } = require('node:dgram')
const { port, rate, max, tags } = workerData
const head = Buffer.from('/emolane/tempo\\0\\0,')
const packet = Buffer.alloc((head.length + tags + 4) & ~3)
head.copy(packet)
packet.fill(0x4e, head.length, head.length + tags)
const socket = createSocket('udp4')
let sent = 0
const started = Date.now()
const timer = setInterval(() => {
  const due = Math.min(max, Math.floor(((Date.now() - started) * rate) / 1000))
  while (sent < due) socket.send(packet, port, '127.0.0.1'), sent++
  if (sent >= max) stop()
}, 10)
function stop() {
  clearInterval(timer)
  socket.close(() => parentPort.postMessage(sent))
}
parentPort.on('message', stop)
`

type Run = { latencies: number[]; healthMs: number[]; floodSent: number }

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN

async function stream(flood: boolean): Promise<Run> {
  const bridge = await startBridge({ persist: false })
  const clip = await demoClip(CLIP_SECONDS, 48000)
  const feed = await FeedClient.connect(bridge.httpUrl!)
  const { hop, window } = bridge.analysis()
  const hops = new HopLatency(hop, window / 2)
  feed.ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as { type: string; frames?: Frame[] }
    if (m.type === 'frames') for (const f of m.frames!) hops.frame(f.end, performance.now())
  })
  const healthMs: number[] = []
  let probing = true
  const probe = (async () => {
    while (probing) {
      const t0 = performance.now()
      await fetch(`${bridge.httpUrl}/health`)
      healthMs.push(performance.now() - t0)
      await new Promise((r) => setTimeout(r, 200))
    }
  })()
  const worker = flood ? new Worker(FLOODER, { eval: true, workerData: { port: bridge.oscPort, rate: RATE, max: RATE * (CLIP_SECONDS + 10), tags: TAGS } }) : null
  const target = await openTarget(`udp://127.0.0.1:${bridge.oscPort}`)
  try {
    await playInto(target, clip, { speed: 1, onProgress: (t) => hops.block(t, performance.now(), 0) })
    // the frames of the last windows
    for (let i = 0; i < 200 && hops.waiting > 0; i++) await new Promise((r) => setTimeout(r, 50))
  } finally {
    probing = false
    await probe
    await target.close()
    feed.close()
    await bridge.close()
  }
  const floodSent = worker ? await new Promise<number>((r) => (worker.once('message', r), worker.postMessage('stop'))) : 0
  await worker?.terminate()
  return { latencies: hops.samples.map((s) => s.complete), healthMs, floodSent }
}

describe(`a flood of ${TAGS.toLocaleString('en')}-tag datagrams at ${RATE} per second`, () => {
  test(
    'live frames stay within 2x the quiet latency while the flood is refused; /health keeps answering',
    async () => {
      const quiet = await stream(false)
      const flooded = await stream(true)
      const q = median(quiet.latencies)
      const f = median(flooded.latencies)
      console.log(
        `hop latency median: quiet ${q.toFixed(0)} ms, under flood ${f.toFixed(0)} ms (${flooded.floodSent} datagrams of ~${(TAGS / 1000).toFixed(0)} KB); ` +
          `/health slowest: quiet ${Math.max(...quiet.healthMs).toFixed(0)} ms, under flood ${Math.max(...flooded.healthMs).toFixed(0)} ms`,
      )
      expect(flooded.floodSent).toBeGreaterThan(RATE * CLIP_SECONDS * 0.5)
      expect(flooded.latencies.length).toBeGreaterThanOrEqual(quiet.latencies.length * 0.8)
      // npm test shares two busy cores: test:long allows 20 ms (the 10 ms flood and 50 ms block timers), the quick run 150 ms of scheduling noise
      expect(f).toBeLessThanOrEqual(2 * q + (LONG ? 20 : 150))
      expect(Math.max(...flooded.healthMs)).toBeLessThan(2000)
    },
    LONG ? 300_000 : 120_000,
  )
})
