import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Bridge } from '../../../bridge/server/bridge.js'
import { startBridge, tempDataDir } from '../../integration/live-helpers.js'

describe('HTTP', () => {
  let bridge: Bridge
  const dirs = tempDataDir()
  const panel = join(dirs.dir, 'panel')

  beforeAll(async () => {
    mkdirSync(panel)
    bridge = await startBridge({ persist: false, panelDir: panel })
    // 8 s of a tone through the public BridgeInput: frames to export
    bridge.play()
    for (let i = 0; i < 80; i++) {
      bridge.audio({ channels: 1, sampleRate: 16000, time: i / 10, samples: Float32Array.from({ length: 1600 }, (_, j) => 0.2 * Math.sin((i * 1600 + j) / 4)) })
    }
    bridge.stop()
    await bridge.settle()
  })
  afterAll(async () => {
    await bridge?.close()
    dirs.remove()
  })

  test('serves a placeholder page at / until the panel is built, then the panel', async () => {
    const placeholder = await fetch(`${bridge.httpUrl}/`)
    expect(placeholder.status).toBe(200)
    expect(await placeholder.text()).toContain('The panel is not built yet')
    writeFileSync(join(panel, 'index.html'), '<!doctype html><emolane-panel></emolane-panel>')
    writeFileSync(join(panel, 'panel.js'), 'export {}')
    expect(await (await fetch(`${bridge.httpUrl}/`)).text()).toContain('<emolane-panel>')
    const js = await fetch(`${bridge.httpUrl}/panel.js`)
    expect(js.headers.get('content-type')).toContain('text/javascript')
  })

  test('never serves files outside the panel folder', async () => {
    writeFileSync(join(dirs.dir, 'secret.txt'), 'do not serve')
    const { request } = await import('node:http')
    const port = new URL(bridge.httpUrl!).port
    // raw paths: fetch() would normalise the dots away before they reach the bridge
    const get = (path: string) =>
      new Promise<number>((resolve) => request({ host: '127.0.0.1', port, path }, (r) => (r.resume(), resolve(r.statusCode!))).end())
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%5csecret.txt']) {
      expect(await get(path), path).toBe(404)
    }
    expect(await get('/panel.js')).toBe(200)
  })

  test('/health and /api/analysis describe the live timeline', async () => {
    const health = (await (await fetch(`${bridge.httpUrl}/health`)).json()) as { ok: boolean; status: { pending: number }; frames: number; audioSeconds: number }
    expect(health.ok).toBe(true)
    expect(health.frames).toBe(16)
    expect(health.audioSeconds).toBeCloseTo(8, 3)
    const analysis = (await (await fetch(`${bridge.httpUrl}/api/analysis`)).json()) as { frames: unknown[]; source: string; model: { trained: boolean } }
    expect(analysis.source).toBe('live')
    expect(analysis.frames).toHaveLength(16)
  })

  test('/api/export writes the live curves through the exporters, and explains a bad request', async () => {
    const csv = await fetch(`${bridge.httpUrl}/api/export?to=csv`)
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename=".+\.csv"/)
    expect((await csv.text()).split('\n').length).toBeGreaterThan(5)
    const mid = await fetch(`${bridge.httpUrl}/api/export?to=mid&mapping=all-curves`)
    expect(mid.status).toBe(200)
    expect(Buffer.from(await mid.arrayBuffer()).subarray(0, 4).toString()).toBe('MThd')
    const bad = await fetch(`${bridge.httpUrl}/api/export?to=wav`)
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/export format must be one of/)
    expect((await fetch(`${bridge.httpUrl}/api/export`)).status).toBe(400)
  })

  test('/api/export with an unknown mapping lists the presets and does not suggest a file path the API never reads', async () => {
    const res = await fetch(`${bridge.httpUrl}/api/export?to=mid&mapping=nosuch`)
    expect(res.status).toBe(400)
    const message = ((await res.json()) as { error: { message: string } }).error.message
    expect(message).toMatch(/^unknown mapping "nosuch"; presets are .*all-curves/)
    expect(message).not.toMatch(/path|\.json/)
  })

  test('/api/export/options lists the formats and mapping presets the export dialog offers', async () => {
    const res = await fetch(`${bridge.httpUrl}/api/export/options`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { formats: string[]; mappings: { name: string }[] }
    expect(body.formats).toEqual(['mid', 'dawproject', 'rpp', 'csv', 'json'])
    expect(body.mappings.map((m) => m.name)).toContain('all-curves')
  })

  test('answers other methods and unknown paths with clear errors', async () => {
    expect((await fetch(`${bridge.httpUrl}/api/analysis`, { method: 'POST' })).status).toBe(405)
    const missing = await fetch(`${bridge.httpUrl}/api/nothing`)
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain('/api/analysis')
  })
})
