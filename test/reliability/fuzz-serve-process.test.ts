/**
 * The real thing: `emolane serve` as its own process, fuzzed on every way in at once (OSC over
 * UDP, OSC and binary audio over /ws-in, feed clients that talk, HTTP). Afterwards the process is
 * still running, /health counts exactly the refusals sent, the analysed timeline is what it was,
 * new audio is still analysed, and SIGTERM still saves and exits 0.
 */
import { createSocket } from 'node:dgram'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { WebSocket } from 'ws'
import type { Analysis } from '../../bridge/analysis/types.js'
import { FEED_MAX_PAYLOAD } from '../../bridge/server/feed-server.js'
import { playInto } from '../../bridge/stream/file-player.js'
import { MAX_DATAGRAM, openTarget } from '../../bridge/stream/stream-target.js'
import { freeTcpPort, freeUdpPort, startServe, type ServeProcess } from '../e2e/real-bridge.js'
import { demoClip } from '../integration/live-helpers.js'
import { fuzzRuns, fuzzTimeoutMs, LONG } from './fuzz-support.js'
import { draw, hostileOsc, hostileWsAudio, timelineOf, verdict } from './socket-fuzz.js'

const RUNS = LONG ? 20_000 : fuzzRuns(800)
const SEED = Number(process.env.EMOLANE_FUZZ_SEED ?? 4004)

type Health = { ok: boolean; errors: Record<string, number>; frames: number }

describe('emolane serve (a separate process) under fuzzing on every input at once', () => {
  let serve: ServeProcess
  let dataDir: string
  let oscPort: number
  let baseline: Analysis
  const health = async (): Promise<Health> => (await fetch(`${serve.url}health`)).json() as Promise<Health>
  const refusals = async (): Promise<number> => Object.values((await health()).errors).reduce((a, b) => a + b, 0)
  const analysis = async (): Promise<Analysis> => (await fetch(`${serve.url}api/analysis`)).json() as Promise<Analysis>

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'emolane-serve-fuzz-'))
    const httpPort = await freeTcpPort()
    oscPort = await freeUdpPort()
    serve = await startServe({ httpPort, oscPort, dataDir, extra: ['--device', 'cpu', '--max-messages-per-second', '1000000', '--max-bytes-per-second', '10000000000', '--quiet'] })
    const target = await openTarget(`udp://127.0.0.1:${oscPort}`)
    await playInto(target, await demoClip(10, 16000), { speed: 16, blockMs: 100, channels: 1 })
    await target.close()
    // settled: the frame count stops growing
    let last = -1
    for (;;) {
      await new Promise((r) => setTimeout(r, 2500))
      const n = (await health()).frames
      if (n === last && n > 0) break
      last = n
    }
    baseline = await analysis()
    expect(baseline.frames.length).toBe(20)
  }, 120_000)

  afterAll(async () => {
    await serve?.stop('SIGKILL')
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  test(
    `${RUNS} hostile messages on each of UDP, /ws-in OSC, /ws-in audio and the feed, then ${RUNS} hostile HTTP requests: it still serves, timeline intact`,
    async () => {
      const before = await refusals()
      let expected = 0
      const udp = createSocket('udp4')
      const ingest = new WebSocket(`${serve.url.replace('http', 'ws')}ws-in`)
      ingest.on('message', () => undefined)
      const feed = new WebSocket(`${serve.url.replace('http', 'ws')}ws`)
      const feedMessages: string[] = []
      feed.on('message', (d) => feedMessages.push(String(d).slice(0, 20)))
      await Promise.all([ingest, feed].map((ws) => new Promise((r, j) => (ws.once('open', r), ws.once('error', j)))))

      for (let batch = 0; batch * 500 < RUNS; batch++) {
        const n = Math.min(500, RUNS - batch * 500)
        for (const bytes of draw(hostileOsc, n, SEED + batch)) {
          const v = verdict(bytes)
          if (v.accepted > 0 || v.rejected.length === 0) continue
          if (bytes.length <= MAX_DATAGRAM) {
            await new Promise<void>((r) => udp.send(bytes, oscPort, '127.0.0.1', () => r()))
            expected += v.rejected.length
          }
          ingest.send(bytes)
          expected += v.rejected.length
        }
        for (const bytes of draw(hostileWsAudio, n, SEED + 500_000 + batch)) {
          const v = verdict(bytes, undefined, true)
          if (v.accepted > 0 || v.rejected.length === 0) continue
          ingest.send(bytes)
          expected += v.rejected.length
        }
        // the feed ignores what clients say (under its 64 KiB limit; over it is fuzz-feed-client's business)
        for (const bytes of draw(hostileOsc, n, SEED + 900_000 + batch)) if (bytes.length <= FEED_MAX_PAYLOAD) feed.send(bytes)
        const target = expected
        for (let tries = 0; (await refusals()) - before < target; tries++) {
          if (tries > 400) throw new Error(`serve counted ${(await refusals()) - before} refusals, ${target} sent`)
          await new Promise((r) => setTimeout(r, 50))
        }
      }
      udp.close()
      ingest.close()
      expect((await refusals()) - before).toBe(expected)
      expect(feed.readyState).toBe(WebSocket.OPEN)
      expect(feedMessages.some((m) => m.includes('"error"'))).toBe(true)
      feed.close()

      // HTTP: the same hostile requests as fuzz-http, answered without a 500
      const statuses = new Map<number, number>()
      const paths = ['/api/export?to=', '/api/export?to=mid&mapping=../../x', '/..%2f..%2fetc%2fpasswd', '/ws', '/api/analysis?token=x', '/%zz', '/health?x=%00']
      for (let i = 0; i < RUNS; i++) {
        const res = await fetch(`${serve.url.replace(/\/$/, '')}${paths[i % paths.length]}`, { method: i % 11 === 0 ? 'POST' : 'GET' })
        await res.arrayBuffer()
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
      }
      expect([...statuses.keys()].every((s) => [200, 400, 404, 405].includes(s)), JSON.stringify([...statuses])).toBe(true)

      expect(serve.child.exitCode).toBeNull()
      expect(timelineOf(await analysis())).toEqual(timelineOf(baseline))
      // still analysing: a new take after a seek
      const target = await openTarget(`udp://127.0.0.1:${oscPort}`)
      await target.send('/emolane/transport/seek', [30])
      const clip = await demoClip(3, 16000)
      for (let i = 0; i < clip.pcm.length; i += 1600) await target.audio({ channels: 1, sampleRate: 16000, time: 30 + i / 16000, samples: clip.pcm.slice(i, i + 1600) })
      await target.send('/emolane/transport/stop')
      await target.close()
      for (let tries = 0; !(await analysis()).frames.some((f) => f.t >= 30); tries++) {
        if (tries > 200) throw new Error('no frames of the new take')
        await new Promise((r) => setTimeout(r, 100))
      }
      await serve.stop('SIGTERM')
      expect(serve.child.exitCode).toBe(0)
    },
    fuzzTimeoutMs(180_000, 1_800_000),
  )
})
