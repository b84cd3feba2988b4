import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { AnalysisPreset } from '../../../bridge/analysis/presets.js'
import type { Bridge } from '../../../bridge/server/bridge.js'
import type { BridgeStatus, FeedMessage } from '../../../bridge/server/protocol.js'
import { demoClip, FeedClient, startBridge, tempDataDir, until } from '../../integration/live-helpers.js'

const TOKEN = 'preset-secret-1'

/** Plays mono 16 kHz audio (and lyrics, sections) through the public BridgeInput, then waits for the analysis. */
async function play(bridge: Bridge, pcm: Float32Array, extra: { lyrics?: { start: number; end: number; text: string }[]; sections?: { start: number; end: number; name: string }[] } = {}): Promise<void> {
  for (const s of extra.sections ?? []) bridge.section({ ...s, source: 'daw' })
  for (const l of extra.lyrics ?? []) bridge.lyricLine(l)
  bridge.play()
  for (let i = 0; i < pcm.length; i += 1600) bridge.audio({ channels: 1, sampleRate: 16000, time: i / 16000, samples: pcm.subarray(i, i + 1600) })
  bridge.stop()
  await bridge.settle()
}

/** A raw HTTP request (fetch would add its own Origin and forbid setting Host). */
function raw(url: string, method: string, headers: Record<string, string>, body = ''): Promise<{ status: number; json: { error?: { code: string; message: string } } & Record<string, unknown> }> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const post = (bridge: Bridge, body: unknown, headers: Record<string, string> = {}) =>
  raw(`${bridge.httpUrl}/api/preset`, 'POST', { 'content-type': 'application/json', ...headers }, typeof body === 'string' ? body : JSON.stringify(body))

describe('analysis presets over HTTP', () => {
  let bridge: Bridge
  const dirs = tempDataDir()
  let clip: Awaited<ReturnType<typeof demoClip>>
  let clip16: Float32Array

  beforeAll(async () => {
    clip = await demoClip(30, 16000)
    clip16 = clip.pcm
    bridge = await startBridge({ dataDir: dirs.dir, project: 'presets' })
    await play(bridge, clip16, { lyrics: clip.lyrics, sections: clip.sections })
  })
  afterAll(async () => {
    await bridge?.close()
    dirs.remove()
  })

  test('GET /api/presets lists the shipped presets and the one in use; the status names it too', async () => {
    const list = (await (await fetch(`${bridge.httpUrl}/api/presets`)).json()) as { presets: string[]; current: string }
    expect(list.presets).toEqual(expect.arrayContaining(['default', 'detailed', 'live-fast']))
    expect(list.current).toBe('default')
    const status = (await (await fetch(`${bridge.httpUrl}/api/status`)).json()) as BridgeStatus
    expect(status.preset).toMatchObject({ name: 'default', hopSeconds: 0.5, smoothingSeconds: 2, conflictThreshold: 0.15, minSectionSeconds: 8 })
  })

  test('switching to a preset with another hop re-reads the stored timeline on the new grid; switching back restores every reading', async () => {
    const before = bridge.analysis()
    expect(before.frames.length).toBe(60) // 30 s: a reading every 0.5 s
    const feed = await FeedClient.connect(bridge.httpUrl!)
    try {
      const res = await post(bridge, { preset: 'live-fast' })
      expect(res.status).toBe(200)
      expect((res.json.preset as AnalysisPreset).hopSeconds).toBe(1)
      // every client hears of it: a fresh snapshot with the status
      const snap = (await feed.waitFor((m) => m.type === 'snapshot' && m.status.preset?.name === 'live-fast')) as Extract<FeedMessage, { type: 'snapshot' }>
      expect(snap.analysis.hop).toBe(1)
      await bridge.settle()
      const fast = bridge.analysis()
      expect(fast.hop).toBe(1)
      expect(fast.frames.map((f) => f.t)).toEqual(before.frames.filter((f) => Number.isInteger(f.t)).map((f) => f.t))
      // a window is the same 6 s whatever the hop: the readings on both grids agree
      expect(fast.frames).toEqual(before.frames.filter((f) => Number.isInteger(f.t)))
      expect((await post(bridge, { preset: 'default' })).status).toBe(200)
      await bridge.settle()
      const back = bridge.analysis()
      expect(back.hop).toBe(0.5)
      expect(back.frames.map((f) => f.t)).toEqual(before.frames.map((f) => f.t))
      back.frames.forEach((f, i) => {
        expect(f.valence).toBeCloseTo(before.frames[i]!.valence, 5)
        expect(f.polarity[2]).toBeCloseTo(before.frames[i]!.polarity[2], 5)
      })
    } finally {
      feed.close()
    }
  })

  test('refuses what is not a preset name, and says why', async () => {
    const unknown = await post(bridge, { preset: 'nope' })
    expect(unknown.status).toBe(404)
    expect(unknown.json.error?.message).toMatch(/no analysis preset "nope"; expected one of .*default.*detailed.*live-fast/)
    for (const body of [{ preset: '../../etc/passwd' }, { preset: '/tmp/x.json' }, { preset: 3 }, {}, [], 'null']) {
      const res = await post(bridge, body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.json.error?.code).toBe('preset-bad-request')
    }
    expect((await post(bridge, '{"preset": "detailed"')).json.error?.code).toBe('bad-json')
    const big = await post(bridge, { preset: 'default', pad: 'x'.repeat(5000) })
    expect(big.status).toBe(413)
    const form = await raw(`${bridge.httpUrl}/api/preset`, 'POST', { 'content-type': 'application/x-www-form-urlencoded' }, 'preset=detailed')
    expect(form.status).toBe(415)
    const get = await fetch(`${bridge.httpUrl}/api/preset`)
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    expect(bridge.preset.name).toBe('default')
  })

  test('a POST from another origin is refused, one from the panel the bridge serves is taken', async () => {
    const port = new URL(bridge.httpUrl!).port
    const evil = await post(bridge, { preset: 'detailed' }, { origin: 'https://evil.example' })
    expect(evil.status).toBe(403)
    const otherPort = await post(bridge, { preset: 'detailed' }, { origin: `http://127.0.0.1:${Number(port) + 1}` })
    expect(otherPort.status).toBe(403)
    const rebinding = await post(bridge, { preset: 'detailed' }, { host: `evil.example:${port}` })
    expect(rebinding.status).toBe(403)
    expect(bridge.preset.name).toBe('default')
    const panel = await post(bridge, { preset: 'detailed' }, { origin: `http://127.0.0.1:${port}` })
    expect(panel.status).toBe(200)
    expect(bridge.preset.name).toBe('detailed')
    expect((await post(bridge, { preset: 'default' })).status).toBe(200)
  })

  test('the preset reaches sections: a shorter section length finds more sections in the same audio', async () => {
    const other = await startBridge({ persist: false })
    try {
      // two textures taking turns every 6 s: too short for the default's 8 s sections, long enough for detailed's 5 s
      const pcm = new Float32Array(48 * 16000)
      let seed = 5
      for (let i = 0; i < pcm.length; i++) {
        const part = Math.floor(i / (6 * 16000)) % 2
        seed = (seed * 1103515245 + 12345) & 0x7fffffff
        pcm[i] = part ? 0.25 * (seed / 0x7fffffff - 0.5) : 0.3 * Math.sin((2 * Math.PI * 330 * i) / 16000)
      }
      await play(other, pcm)
      const coarse = other.analysis().sections.length
      await other.selectPreset('detailed')
      await other.settle()
      const fine = other.analysis().sections
      expect(fine.length).toBeGreaterThan(coarse)
      expect(fine.every((s) => s.end - s.start >= 5 - 1e-9)).toBe(true)
    } finally {
      await other.close()
    }
  })

  test('a switched hop is what the project keeps: a restart with that preset restores the frames without analysing again', async () => {
    const dir = tempDataDir()
    try {
      const first = await startBridge({ dataDir: dir.dir, project: 'kept' })
      await play(first, clip16.subarray(0, 12 * 16000))
      await first.selectPreset('live-fast')
      await first.settle()
      const frames = first.analysis().frames
      expect(frames.length).toBe(12) // 12 s: a reading every second
      await first.close()
      const again = await startBridge({ dataDir: dir.dir, project: 'kept', preset: 'live-fast' })
      try {
        let computed = 0
        again.on('frames', (f) => (computed += f.length))
        await again.settle()
        expect(again.analysis().frames).toEqual(frames)
        expect(computed).toBe(0)
      } finally {
        await again.close()
      }
    } finally {
      dir.remove()
    }
  })
})

describe('analysis presets on a bridge with a token', () => {
  test('POST /api/preset needs the token like every /api route', async () => {
    const bridge = await startBridge({ persist: false, token: TOKEN })
    try {
      expect((await post(bridge, { preset: 'detailed' })).status).toBe(401)
      expect((await fetch(`${bridge.httpUrl}/api/presets`)).status).toBe(401)
      expect(bridge.preset.name).toBe('default')
      expect((await post(bridge, { preset: 'detailed' }, { authorization: `Bearer ${TOKEN}` })).status).toBe(200)
      const list = (await (await fetch(`${bridge.httpUrl}/api/presets?token=${TOKEN}`)).json()) as { current: string }
      expect(list.current).toBe('detailed')
      await until(() => bridge.status().preset?.name === 'detailed')
    } finally {
      await bridge.close()
    }
  })
})
