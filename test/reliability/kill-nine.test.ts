/**
 * kill -9 of `emolane serve` at several random points of a session (while a song streams in,
 * while a take is re-recorded over analysed audio, while lyrics are edited), restarting on the
 * same project each time. After every restart, each frame the feed had shown (and not since
 * invalidated) is back, identical, and each lyric line it had shown is back; the session then
 * carries on. The last restart re-analyses whatever the kills interrupted, and SIGTERM exits 0.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, test } from 'vitest'
import type { Analysis, Frame } from '../../bridge/analysis/types.js'
import { openTarget, type StreamTarget } from '../../bridge/stream/stream-target.js'
import { freeTcpPort, freeUdpPort, startServe, type ServeProcess } from '../e2e/real-bridge.js'
import { demoClip, FeedClient, until } from '../integration/live-helpers.js'
import { LONG } from './fuzz-support.js'

const CYCLES = LONG ? 8 : 2
const SEED = Number(process.env.EMOLANE_FUZZ_SEED ?? 9)

type Activity = 'stream' | 're-record' | 'lyrics'
/** One cycle's plan: what is going on, and after how many new frames (or lyric lines) the plug is pulled. */
type Plan = { activity: Activity; killAfter: number; at: number }

/** What the feed has shown: frames by time (invalidations applied) and the lyric lines. */
class FeedView {
  readonly frames = new Map<number, Frame>()
  lyricStarts = new Set<number>()
  fresh = 0
  constructor(feed: FeedClient) {
    // what arrived before this view was made (the snapshot may come with the handshake), then the rest
    for (const m of feed.messages) this.apply(m as never)
    feed.ws.on('message', (data) => this.apply(JSON.parse(String(data)) as never))
  }

  private apply(m: { type: string } & Record<string, never>): void {
    {
      if (m.type === 'snapshot') {
        for (const f of (m.analysis as Analysis).frames) this.frames.set(f.t, f)
        this.lyricStarts = new Set((m.analysis as Analysis).lyrics.map((l) => l.start))
      } else if (m.type === 'frames') {
        for (const f of m.frames as Frame[]) this.frames.set(f.t, f)
        this.fresh += (m.frames as Frame[]).length
      } else if (m.type === 'invalidate') {
        for (const t of this.frames.keys()) if (t >= m.start && t < m.end) this.frames.delete(t)
      } else if (m.type === 'lyrics') {
        this.lyricStarts = new Set((m.lines as { start: number }[]).map((l) => l.start))
      } else if (m.type === 'lyric-lines') {
        for (const l of m.lines as { start: number }[]) this.lyricStarts.add(l.start)
      }
    }
  }
}

/** One journal line, or null for an empty or torn one (a line being written as the test reads). */
function parseRecord(line: string): { k: string; start: number; end: number } | null {
  try {
    return line ? (JSON.parse(line) as { k: string; start: number; end: number }) : null
  } catch {
    return null
  }
}

/** The snapshot's generation and audio ranges, or generation 0 and none before the first compaction. */
function readSnapshot(projectDir: string): { generation: number; audio: [number, number][] } {
  const path = join(projectDir, 'snapshot.json')
  if (!existsSync(path)) return { generation: 0, audio: [] }
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { generation: number; state: { audio: [number, number][] } }
  return { generation: doc.generation, audio: doc.state.audio }
}

/**
 * Sample ranges of audio the project on disk holds (snapshot + the journal it names), merged. A running
 * bridge may compact between the two reads (new snapshot, old journal removed): then both are read again.
 */
function storedAudio(projectDir: string): [number, number][] {
  const ranges: [number, number][] = []
  for (;;) {
    const snapshot = readSnapshot(projectDir)
    const journal = join(projectDir, `journal-${snapshot.generation}.jsonl`)
    const text = existsSync(journal) ? readFileSync(journal, 'utf8') : ''
    if (readSnapshot(projectDir).generation !== snapshot.generation) continue
    ranges.push(...snapshot.audio)
    for (const line of text.split('\n')) {
      const r = parseRecord(line)
      if (r?.k === 'audio') ranges.push([r.start, r.end])
    }
    break
  }
  ranges.sort((a, b) => a[0] - b[0])
  const merged: [number, number][] = []
  for (const r of ranges) {
    const last = merged.at(-1)
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1])
    else merged.push([...r])
  }
  return merged
}

/** Times (s) of the 0.5 s hops whose centre sample the project on disk holds audio for. */
function storedHops(projectDir: string): number[] {
  const hops: number[] = []
  for (const [a, b] of storedAudio(projectDir)) for (let k = Math.ceil(a / 8000); k * 8000 < b; k++) hops.push(k / 2)
  return hops
}

describe(`kill -9 at ${CYCLES} random points of a session, restarting each time`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'emolane-kill9-'))
  let serve: ServeProcess | null = null
  afterAll(async () => {
    await serve?.stop('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  test(
    'every frame and lyric line the feed showed before each kill is back after the restart',
    async () => {
      const [httpPort, oscPort] = await Promise.all([freeTcpPort(), freeUdpPort()])
      const extra = ['--device', 'cpu', '--project', 'crash']
      const start = (): Promise<ServeProcess> => startServe({ httpPort, oscPort, dataDir, extra })
      const song = await demoClip(40, 48000)
      const plans = fc.sample(
        fc.record({ activity: fc.constantFrom<Activity>('stream', 're-record', 'lyrics'), killAfter: fc.integer({ min: 2, max: 24 }), at: fc.integer({ min: 0, max: 30 }) }),
        { numRuns: CYCLES, seed: SEED },
      ) as Plan[]
      plans[0] = { ...plans[0]!, activity: 'stream' } // something to lose first
      let lyricCount = 0
      serve = await start()
      for (const plan of plans) {
        const feed = await FeedClient.connect(serve.url.replace(/\/$/, ''))
        const view = new FeedView(feed)
        await until(() => feed.messages.length > 0, 5000, 'the snapshot')
        const target: StreamTarget = await openTarget(`udp://127.0.0.1:${oscPort}`)
        const abort = new AbortController()
        let work: Promise<unknown>
        if (plan.activity === 'lyrics') {
          // edits keep coming until the kill: new lines, and replacements of lines already there
          work = (async () => {
            for (let i = 0; !abort.signal.aborted; i++) {
              const startAt = 100 + (lyricCount++ % 400)
              await target.send('/emolane/lyrics/line', [startAt, startAt + 0.8, `edit ${i} of cycle at ${plan.at}`])
              await new Promise((r) => setTimeout(r, 5))
            }
          })()
          await until(() => view.lyricStarts.size >= plan.killAfter, 10_000, `${plan.killAfter} lyric lines`)
        } else {
          const from = plan.activity === 're-record' ? plan.at : 0
          const take = plan.activity === 're-record' ? { ...song, pcm: song.pcm.map((v) => v * -0.5) } : song
          const { playInto } = await import('../../bridge/stream/file-player.js')
          work = playInto(target, take, { speed: 6, from, signal: abort.signal }).catch(() => undefined)
          const fresh0 = view.fresh
          await until(() => view.fresh - fresh0 >= plan.killAfter, 30_000, `${plan.killAfter} new frames`)
          // audio reaches the journal once fsync'd (every audioSyncMs): on a busy machine frames can come first,
          // so the first kill waits for stored audio, or the last restart would have nothing to finish
          if (plan === plans[0]) await until(() => storedHops(join(dataDir, 'crash')).length > 0, 30_000, 'audio stored on disk')
        }
        // pull the plug: what the feed has shown by now must survive
        const shown = new Map(view.frames)
        const lines = new Set(view.lyricStarts)
        serve.child.kill('SIGKILL')
        await serve.stop('SIGKILL')
        abort.abort()
        await work
        await target.close()
        feed.close()

        serve = await start()
        const restored = (await (await fetch(`${serve.url}api/analysis`)).json()) as Analysis
        const after = new Map(restored.frames.map((f) => [f.t, f]))
        expect(after.size, 'no frame twice').toBe(restored.frames.length)
        for (const [t, f] of shown) expect(after.get(t), `${plan.activity}: frame at ${t} s after the kill`).toEqual(f)
        const starts = new Set(restored.lyrics.map((l) => l.start))
        for (const s of lines) expect(starts.has(s), `${plan.activity}: lyric line at ${s} s`).toBe(true)
        expect(serve.log.join('')).toMatch(/restored \d+ frames/)
      }
      // the last restart finishes what the kills interrupted: a frame for every hop whose centre has stored audio
      const hops = storedHops(join(dataDir, 'crash'))
      expect(hops.length).toBeGreaterThan(0)
      let frames: number[] = []
      for (let i = 0; i < 300; i++) {
        frames = ((await (await fetch(`${serve.url}api/analysis`)).json()) as Analysis).frames.map((f) => f.t)
        if (hops.every((t) => frames.includes(t))) break
        await new Promise((r) => setTimeout(r, 100))
      }
      expect(frames).toEqual(expect.arrayContaining(hops))
      await serve.stop('SIGTERM')
      expect(serve.child.exitCode).toBe(0)
    },
    LONG ? 900_000 : 120_000,
  )
})
