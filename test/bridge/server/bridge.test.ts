import { afterEach, describe, expect, test } from 'vitest'
import type { Bridge } from '../../../bridge/server/bridge.js'
import type { BridgeErrorInfo } from '../../../bridge/server/protocol.js'
import { startBridge, tempDataDir, until } from '../../integration/live-helpers.js'

const open: Bridge[] = []
const dirs: { remove: () => void }[] = []
afterEach(async () => {
  for (const b of open.splice(0)) await b.close()
  dirs.splice(0).forEach((d) => d.remove())
})

async function bridgeWith(options: Parameters<typeof startBridge>[0] = {}) {
  const b = await startBridge(options)
  open.push(b)
  return b
}

const tone = (time: number, seconds: number, amp = 0.2) => ({
  channels: 1,
  sampleRate: 16000,
  time,
  samples: Float32Array.from({ length: Math.round(seconds * 16000) }, (_, i) => amp * Math.sin((time * 16000 + i) / 3)),
})

describe('Bridge', () => {
  test('bad values through the public BridgeInput become error events, never exceptions', async () => {
    const b = await bridgeWith({ persist: false })
    const errors: BridgeErrorInfo[] = []
    const off = b.on('error', (e) => errors.push(e))
    expect(() => b.audio({ channels: 1, sampleRate: 16000, time: 0, samples: Float32Array.from([NaN]) })).not.toThrow()
    expect(() => b.tempo(-3)).not.toThrow()
    expect(() => b.lyricLine({ start: 5, end: 1, text: 'x' })).not.toThrow()
    expect(errors.map((e) => [e.code, e.source])).toEqual([
      ['audio-nan', 'api'],
      ['tempo-bad', 'api'],
      ['lyrics-bad-time', 'api'],
    ])
    off()
    b.tempo(-4)
    expect(errors).toHaveLength(3) // unsubscribed
  })

  test('audio that simply stops coming (no stop message) is analysed to its end after the idle time', async () => {
    const b = await bridgeWith({ persist: false, idleFlushMs: 200 })
    for (let i = 0; i < 40; i++) b.audio(tone(i * 0.1, 0.1))
    await until(() => b.analysis().frames.length === 8, 5000, 'all 8 frames of 4 s without a stop')
    expect(b.analysis().frames.at(-1)!.t).toBe(3.5)
  })

  test('a storm of seeks between blocks leaves a consistent timeline', async () => {
    const b = await bridgeWith({ persist: false })
    const errors: string[] = []
    b.on('error', (e) => errors.push(e.code))
    for (let i = 0; i < 300; i++) {
      b.seek((i * 7) % 20)
      b.audio(tone((i * 7) % 20, 0.05))
    }
    b.stop()
    await b.settle()
    expect(errors).toEqual([])
    const frames = b.analysis().frames
    const ts = frames.map((f) => f.t)
    expect(new Set(ts).size).toBe(ts.length)
    for (const f of frames) expect(Number.isFinite(f.valence)).toBe(true)
    expect(b.status().pending).toBe(0)
  })

  test('/emolane/project switches projects: each keeps its own timeline', async () => {
    const data = tempDataDir()
    dirs.push(data)
    const b = await bridgeWith({ dataDir: data.dir, project: 'first' })
    b.play()
    b.audio(tone(0, 4))
    b.stop()
    await b.settle()
    expect(b.analysis().frames).toHaveLength(8)
    b.input().project('second')
    expect(b.status().project).toBe('second')
    expect(b.analysis().frames).toHaveLength(0)
    b.lyricLine({ start: 0, end: 1, text: 'only in the second' })
    b.input().project('first')
    await b.settle()
    expect(b.analysis().frames).toHaveLength(8)
    expect(b.analysis().lyrics).toEqual([])
  })

  test('close() releases its ports and can be called twice', async () => {
    const b = await bridgeWith({ persist: false })
    const url = b.httpUrl!
    await b.close()
    await b.close()
    await expect(fetch(`${url}/health`)).rejects.toThrow()
  })
})
