import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { createSocket } from 'node:dgram'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Frame } from '../../bridge/analysis/types.js'
import { playInto } from '../../bridge/stream/file-player.js'
import { openTarget } from '../../bridge/stream/stream-target.js'
import { demoClip, FeedClient, tempDataDir, until } from './live-helpers.js'

const ROOT = join(import.meta.dirname, '..', '..')
const CLI = join(ROOT, 'dist', 'cli.js')

async function freeTcpPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise((r) => s.close(r))
  return port
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4')
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r))
  const port = s.address().port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

/** Starts `emolane serve` as a child process and waits for /health. */
async function serve(args: string[]): Promise<{ child: ChildProcess; log: string[] }> {
  const log: string[] = []
  const child = spawn(process.execPath, [CLI, 'serve', '--device', 'cpu', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout!.on('data', (d) => log.push(String(d)))
  child.stderr!.on('data', (d) => log.push(String(d)))
  const http = args[args.indexOf('--http-port') + 1]
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`emolane serve exited with ${child.exitCode}:\n${log.join('')}`)
    const ok = await fetch(`http://127.0.0.1:${http}/health`).then((r) => r.ok, () => false)
    if (ok) return { child, log }
    if (Date.now() > deadline) throw new Error(`emolane serve did not come up:\n${log.join('')}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('kill -9 during a stream, then a restart', () => {
  const data = tempDataDir()
  let args: string[]
  let httpPort: number
  let first: ChildProcess | null = null
  let second: ChildProcess | null = null

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`)
    httpPort = await freeTcpPort()
    const oscPort = await freeUdpPort()
    args = ['--http-port', String(httpPort), '--osc-port', String(oscPort), '--data-dir', data.dir, '--project', 'crash-test']
  })

  afterAll(() => {
    first?.kill('SIGKILL')
    second?.kill('SIGKILL')
    data.remove()
  })

  test('loses nothing that was analysed before the kill', async () => {
    const started = await serve(args)
    first = started.child
    const feed = await FeedClient.connect(`http://127.0.0.1:${httpPort}`)
    const clip = await demoClip(40, 48000)
    const target = await openTarget(`udp://127.0.0.1:${args[3]}`)
    const abort = new AbortController()
    const streaming = playInto(target, clip, { speed: 4, signal: abort.signal })
    // let a good part of the song be analysed, then pull the plug mid-stream
    await until(() => feed.of('frames').reduce((n, m) => n + m.frames.length, 0) >= 30, 30_000, '30 analysed frames')
    first.kill('SIGKILL')
    await new Promise((r) => first!.once('exit', r))
    abort.abort()
    await streaming.catch(() => undefined)
    await target.close()
    feed.close()

    // every frame the feed showed had been fsync'd before it was sent
    const seen = new Map<number, Frame>()
    for (const m of feed.of('frames')) for (const f of m.frames) seen.set(f.t, f)
    const lyricsSeen = feed.lyrics()
    expect(seen.size).toBeGreaterThanOrEqual(30)

    const restarted = await serve(args)
    second = restarted.child
    expect(restarted.log.join('')).toMatch(/restored \d+ frames/)
    type Doc = { frames: Frame[]; lyrics: unknown[]; sections: { name: string }[] }
    const read = async (): Promise<Doc> => (await (await fetch(`http://127.0.0.1:${httpPort}/api/analysis`)).json()) as Doc
    // the sections are aggregated once the restored timeline has been analysed again (the windows at the
    // kill point wait for the audio encoder's context, then are flushed): wait for them, not for a time
    let analysis = await read()
    for (const deadline = Date.now() + 30_000; analysis.sections.length === 0 && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 100))
      analysis = await read()
    }
    const after = new Map(analysis.frames.map((f) => [f.t, f]))
    for (const [t, f] of seen) expect(after.get(t), `frame at ${t} s`).toEqual(f)
    expect(analysis.lyrics).toEqual(lyricsSeen)
    // the DAW's sections came back too (they aggregate the restored frames)
    expect(analysis.sections.length).toBeGreaterThan(0)
    expect(analysis.sections[0]!.name).toBe('Verse')
    second.kill('SIGTERM')
    const code = await new Promise((r) => second!.once('exit', r))
    expect(code).toBe(0)
  }, 90_000)
})
