import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Bridge } from '../../bridge/server/bridge.js'
import { freeUdpPort } from '../e2e/real-bridge.js'
import { startBridge, tempDataDir } from './live-helpers.js'

const ROOT = join(import.meta.dirname, '..', '..')
const CLI = join(ROOT, 'dist', 'cli.js')
const run = promisify(execFile)

describe('emolane stream, as a user runs it', () => {
  let bridge: Bridge
  const data = tempDataDir()
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`)
    bridge = await startBridge({ dataDir: data.dir })
  })
  afterAll(async () => {
    await bridge?.close()
    data.remove()
  })

  test.each(['udp', 'ws'])('plays the example song with its lyrics and sections into a bridge over %s', async (kind) => {
    const to = kind === 'udp' ? `udp://127.0.0.1:${bridge.oscPort}` : `${bridge.httpUrl!.replace('http', 'ws')}/ws-in`
    const ex = (f: string) => join(ROOT, 'examples', f)
    const { stderr } = await run(process.execPath, [CLI, 'stream', ex('demo-song.mp3'), '--lyrics', ex('demo-song.lrc'), '--sections', ex('demo-sections.csv'), '--to', to, '--speed', '16', '--until', '12', '--tempo', '135', '--quiet'])
    expect(stderr).toMatch(/12\.0 s of audio in \d+ blocks, 12 lyric lines, 3 sections/)
    await bridge.settle()
    const a = bridge.analysis()
    expect(a.frames.at(-1)!.t).toBe(11.5)
    expect(a.lyrics).toHaveLength(12)
    expect(a.tempo).toBe(135)
    expect(a.sections[0]!.name).toBe('Verse')
  })

  test('fails with a clear message and exit code 1 when nothing listens on the UDP port', async () => {
    const port = await freeUdpPort()
    const err = await run(process.execPath, [CLI, 'stream', join(ROOT, 'examples', 'demo-song.mp3'), '--to', `udp://127.0.0.1:${port}`, '--speed', '16', '--until', '3', '--quiet']).catch((e) => e)
    expect(err.code).toBe(1)
    expect(err.stderr).toContain(`nothing is listening on udp://127.0.0.1:${port} (ECONNREFUSED)`)
    expect(err.stderr).not.toMatch(/s of audio in \d+ blocks/)
  })

  test.each(['udp', 'ws'])('a project name the bridge refuses stops the stream over %s before any audio reaches the current project', async (kind) => {
    const to = kind === 'udp' ? `udp://127.0.0.1:${bridge.oscPort}` : `${bridge.httpUrl!.replace('http', 'ws')}/ws-in`
    const before = bridge.analysis()
    const project = bridge.status().project
    const err = await run(process.execPath, [CLI, 'stream', join(ROOT, 'examples', 'demo-song.mp3'), '--to', to, '--http', bridge.httpUrl!, '--project', '../x', '--speed', '16', '--until', '6', '--quiet']).catch((e) => e)
    expect(err.code).toBe(1)
    expect(err.stderr).toMatch(/^emolane stream: the bridge refused project "\.\.\/x"/)
    await bridge.settle()
    expect(bridge.status().project).toBe(project)
    expect(bridge.analysis().frames).toEqual(before.frames)
  })

  test('--project switches the bridge before the song goes in', async () => {
    const to = `${bridge.httpUrl!.replace('http', 'ws')}/ws-in`
    await run(process.execPath, [CLI, 'stream', join(ROOT, 'examples', 'demo-song.mp3'), '--to', to, '--project', 'second-song', '--speed', '16', '--until', '8', '--quiet'])
    await bridge.settle()
    expect(bridge.status().project).toBe('second-song')
    expect(bridge.analysis().frames.at(-1)!.t).toBe(7.5)
  })

  test('serve on a port in use says which option picks another', async () => {
    const httpPort = new URL(bridge.httpUrl!).port
    const http = await run(process.execPath, [CLI, 'serve', '--http-port', httpPort, '--no-osc', '--no-persist', '--device', 'cpu', '--quiet']).catch((e) => e)
    expect(http.code).toBe(1)
    expect(http.stderr).toContain(`port ${httpPort} is already in use (another emolane serve?); pick another with --http-port N (0: any free port)`)
    const osc = await run(process.execPath, [CLI, 'serve', '--http-port', '0', '--osc-port', String(bridge.oscPort), '--no-persist', '--device', 'cpu', '--quiet']).catch((e) => e)
    expect(osc.code).toBe(1)
    expect(osc.stderr).toContain(`port ${bridge.oscPort} is already in use (another emolane serve?); pick another with --osc-port N`)
  }, 60_000)

  test('explains a bad --to', async () => {
    const err = await run(process.execPath, [CLI, 'stream', join(ROOT, 'examples', 'demo-song.mp3'), '--to', 'tcp://nowhere']).catch((e) => e)
    expect(err.code).toBe(2)
    expect(err.stderr).toContain('--to must be udp://host:port or ws://host:port/ws-in')
  })
})
