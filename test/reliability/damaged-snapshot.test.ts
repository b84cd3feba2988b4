/**
 * The review's data-loss run, end to end against `emolane serve`: a song is streamed and the bridge
 * exits cleanly (snapshot.json written), restarted and fed more lyric lines, then killed; its
 * snapshot.json is damaged and serve restarted. Every frame, lyric line and section the feed had
 * shown is back, the damaged file is set aside, and the log says what was recovered.
 * `npm test` damages it one way (flipped bytes); `npm run test:long` every way.
 */
import { readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import type { Analysis, Frame } from '../../bridge/analysis/types.js'
import { playInto } from '../../bridge/stream/file-player.js'
import { openTarget } from '../../bridge/stream/stream-target.js'
import { freeTcpPort, freeUdpPort, startServe, type ServeProcess } from '../e2e/real-bridge.js'
import { demoClip, FeedClient, until } from '../integration/live-helpers.js'
import { LONG } from './fuzz-support.js'

const DAMAGE: [string, (path: string) => void][] = [
  ['5 flipped bytes', (path) => {
    const bytes = readFileSync(path)
    for (let k = 1; k <= 5; k++) bytes[Math.floor((bytes.length * k) / 6)] ^= 0x21
    writeFileSync(path, bytes)
  }],
  ['truncated', (path) => truncateSync(path, statSync(path).size >> 1)],
  ['deleted', (path) => rmSync(path)],
  ['valid JSON of the wrong shape', (path) => writeFileSync(path, '{"generation":1,"state":{"frames":"x"}}')],
]

/** Frames the feed has shown: the snapshot's, then frame messages (replacing) and invalidations (removing), in order. */
function feedFrames(feed: FeedClient): Map<number, Frame> {
  const frames = new Map<number, Frame>()
  for (const m of feed.messages) {
    if (m.type === 'snapshot') for (const f of m.analysis.frames) frames.set(f.t, f)
    else if (m.type === 'frames') for (const f of m.frames) frames.set(f.t, f)
    else if (m.type === 'invalidate') for (const t of frames.keys()) if (t >= m.start && t < m.end) frames.delete(t)
  }
  return frames
}

const runs = LONG ? DAMAGE : DAMAGE.slice(0, 1)

describe('serve restarted on a damaged snapshot.json', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'emolane-damaged-'))
  let serve: ServeProcess | null = null
  afterAll(async () => {
    await serve?.stop('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  test.each(runs)('%s: every frame, lyric line and section the feed showed is back', async (what, damage) => {
    const [httpPort, oscPort] = await Promise.all([freeTcpPort(), freeUdpPort()])
    const project = `p${runs.findIndex(([w]) => w === what)}`
    const start = (): Promise<ServeProcess> => startServe({ httpPort, oscPort, dataDir, extra: ['--device', 'cpu', '--project', project] })
    const clip = await demoClip(12, 48000)
    serve = await start()
    let target = await openTarget(`udp://127.0.0.1:${oscPort}`)
    await playInto(target, clip, { speed: 4 })
    await target.close()
    const first = await FeedClient.connect(serve.url.replace(/\/$/, ''))
    await until(() => first.messages.length > 0, 5000, 'the snapshot')
    const expectedFrames = Math.floor(12 / 0.5)
    await until(() => ((first.messages[0] as { analysis: Analysis }).analysis?.frames.length ?? 0) > 0 || first.of('frames').length > 0, 60_000, 'frames')
    first.close()
    await serve.stop('SIGTERM') // a clean exit: snapshot.json

    serve = await start()
    target = await openTarget(`udp://127.0.0.1:${oscPort}`)
    await target.send('/emolane/lyrics/line', [20, 21, 'after the restart'])
    await target.send('/emolane/section', [12, 20, 'outro'])
    const feed = await FeedClient.connect(serve.url.replace(/\/$/, ''))
    await until(() => feed.lyrics().some((l) => l.text === 'after the restart'), 10_000, 'the new line on the feed')
    const shown = (await (await fetch(`${serve.url}api/analysis`)).json()) as Analysis
    expect(shown.frames.length).toBeGreaterThanOrEqual(expectedFrames / 2)
    await target.close()
    // what the feed shows at the kill: frames (re-analysed ones replacing, invalidated ones gone) and lines
    const frames = feedFrames(feed)
    const lines = feed.lyrics()
    feed.close()
    await serve.stop('SIGKILL')

    damage(join(dataDir, project, 'snapshot.json'))
    serve = await start()
    // the load itself (before the windows at the end of the audio are re-analysed on start) recovered every frame shown
    const report = new RegExp(`project ${project}: rebuilt from .*: (\\d+) frames, ${lines.length} lyric lines, 2 sections .* recovered; nothing saved is missing`).exec(serve.log.join(''))
    expect(report, serve.log.join('')).not.toBeNull()
    expect(Number(report![1])).toBeGreaterThanOrEqual(frames.size)
    let back: Analysis
    for (let i = 0; ; i++) {
      back = (await (await fetch(`${serve.url}api/analysis`)).json()) as Analysis
      const ts = new Set(back.frames.map((f) => f.t))
      // the sections are aggregated after the restored frames are analysed again: wait for both
      const names = new Set(back.sections.map((s) => s.name))
      if (([...frames.keys()].every((t) => ts.has(t)) && shown.sections.every((s) => names.has(s.name))) || i > 300) break
      await new Promise((r) => setTimeout(r, 100))
    }
    const after = new Map(back.frames.map((f) => [f.t, f]))
    expect(frames.size).toBeGreaterThanOrEqual(expectedFrames / 2)
    for (const [t, f] of frames) {
      // re-analysed end windows equal the shown ones up to float noise
      const g = after.get(t)
      expect(g, `frame at ${t} s`).toBeDefined()
      expect(g!.valence, `valence at ${t} s`).toBeCloseTo(f.valence, 6)
      expect(g!.arousal, `arousal at ${t} s`).toBeCloseTo(f.arousal, 6)
    }
    expect(back.lyrics).toEqual(lines)
    const names = new Set(back.sections.map((s) => s.name))
    for (const s of shown.sections) expect(names.has(s.name), `section ${s.name}`).toBe(true)
    if (what !== 'deleted') expect(readdirSync(join(dataDir, project)).some((n) => /^snapshot\.damaged-/.test(n))).toBe(true)
    console.log(`${what}: ${frames.size} frames shown, all back; ${back.frames.length} frames, ${back.lyrics.length} lyric lines, ${back.sections.length} sections kept`)
    await serve.stop('SIGTERM')
    expect(serve.child.exitCode).toBe(0)
    serve = null
  }, 180_000)
})
