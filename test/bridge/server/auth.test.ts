import { createSocket } from 'node:dgram'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { WebSocket } from 'ws'
import { encodeOsc } from '../../../bridge/server/osc-codec.js'
import { resolveOptions } from '../../../bridge/server/options.js'
import type { Bridge } from '../../../bridge/server/bridge.js'
import { startBridge, until } from '../../integration/live-helpers.js'

const TOKEN = 'correct-horse-battery'

describe('options', () => {
  test('listening off loopback without a token is refused', () => {
    expect(() => resolveOptions({ host: '0.0.0.0' })).toThrow(/needs a token/)
    expect(() => resolveOptions({ host: '0.0.0.0', token: 'short' })).toThrow(/at least 8 characters/)
    expect(resolveOptions({ host: '0.0.0.0', token: TOKEN }).host).toBe('0.0.0.0')
    expect(() => resolveOptions({ httpPort: 9000, oscPort: 9000 })).toThrow(/must differ/)
  })
})

describe('a bridge with a token', () => {
  let bridge: Bridge
  beforeAll(async () => {
    bridge = await startBridge({ persist: false, token: TOKEN })
  })
  afterAll(() => bridge?.close())

  test('HTTP API needs the token; /health answers without details', async () => {
    expect((await fetch(`${bridge.httpUrl}/api/analysis`)).status).toBe(401)
    expect((await fetch(`${bridge.httpUrl}/api/analysis?token=wrong-token-here`)).status).toBe(401)
    const ok = await fetch(`${bridge.httpUrl}/api/analysis`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { schema: string }).schema).toBe('emolane.analysis/1')
    const health = (await (await fetch(`${bridge.httpUrl}/health`)).json()) as Record<string, unknown>
    expect(health).toEqual({ ok: true, auth: 'token required for details' })
  })

  test('the feed refuses a client without the token with close code 4401, and serves one with it', async () => {
    const bad = new WebSocket(`${bridge.httpUrl!.replace('http', 'ws')}/ws`)
    const code = await new Promise((r) => bad.once('close', (c) => r(c)))
    expect(code).toBe(4401)
    const good = new WebSocket(`${bridge.httpUrl!.replace('http', 'ws')}/ws?token=${TOKEN}`)
    const first = await new Promise<string>((r) => good.once('message', (d) => r(JSON.parse(String(d)).type)))
    expect(first).toBe('snapshot')
    good.close()
  })

  test('OSC over UDP is ignored until the sender presents the token', async () => {
    const udp = createSocket('udp4')
    const send = (b: Uint8Array) => new Promise<void>((r) => udp.send(b, bridge.oscPort!, '127.0.0.1', () => r()))
    const errors: string[] = []
    const off = bridge.on('error', (e) => errors.push(e.code))
    await send(encodeOsc('/emolane/tempo', [99]))
    await until(() => errors.includes('unauthorized'), 3000, 'an unauthorized error')
    expect(bridge.status().transport.tempo).toBeNull()
    await send(encodeOsc('/emolane/auth', ['not-the-token']))
    await send(encodeOsc('/emolane/auth', [TOKEN]))
    await send(encodeOsc('/emolane/tempo', [99]))
    await until(() => bridge.status().transport.tempo === 99, 3000, 'the tempo after auth')
    off()
    udp.close()
  })
})

describe('a loopback bridge and web pages', () => {
  let bridge: Bridge
  beforeAll(async () => {
    bridge = await startBridge({ persist: false })
  })
  afterAll(() => bridge?.close())

  test('refuses a WebSocket opened by another site (cross-site WebSocket hijacking)', async () => {
    const ws = new WebSocket(`${bridge.httpUrl!.replace('http', 'ws')}/ws-in`, { origin: 'https://evil.example' })
    const status = await new Promise((r) => ws.once('unexpected-response', (_q, res) => r(res.statusCode)))
    expect(status).toBe(403)
    const local = new WebSocket(`${bridge.httpUrl!.replace('http', 'ws')}/ws`, { origin: bridge.httpUrl! })
    await new Promise((r) => local.once('open', r))
    local.close()
  })

  test('refuses a request whose Host is not this machine (DNS rebinding)', async () => {
    const port = new URL(bridge.httpUrl!).port
    const res = await new Promise<number>((resolve) => {
      import('node:http').then(({ request }) => {
        const req = request({ host: '127.0.0.1', port, path: '/api/analysis', headers: { host: `attacker.example:${port}` } }, (r) => resolve(r.statusCode!))
        req.end()
      })
    })
    expect(res).toBe(403)
  })
})

/** A raw request with the given headers (fetch would set its own Origin). */
function raw(url: string, method: string, headers: Record<string, string>): Promise<number> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers }, (res) => {
      res.resume()
      resolve(res.statusCode!)
    })
    req.on('error', reject)
    req.end(method === 'POST' ? '{"preset":"balanced"}' : undefined)
  })
}

/** The status a WebSocket handshake gets: 101 when it opens. */
function wsStatus(url: string, origin: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { origin })
    ws.once('open', () => (ws.close(), resolve(101)))
    ws.once('unexpected-response', (_q, res) => resolve(res.statusCode!))
  })
}

const API = ['GET /api/analysis', 'GET /api/status', 'GET /api/export?to=csv', 'GET /api/export/options', 'GET /api/presets', 'POST /api/preset']

describe('only the panel’s own origin is same-origin (a page on another local port is another site)', () => {
  let bridge: Bridge
  let tokened: Bridge
  beforeAll(async () => {
    ;[bridge, tokened] = await Promise.all([startBridge({ persist: false }), startBridge({ persist: false, token: TOKEN })])
  })
  afterAll(() => Promise.all([bridge?.close(), tokened?.close()]))

  test.each(API)('%s from http://localhost:3000 is refused with 403; from the panel it reaches the route', async (route) => {
    const [method, path] = route.split(' ') as [string, string]
    const port = new URL(bridge.httpUrl!).port
    const headers = { host: `127.0.0.1:${port}`, 'content-type': 'application/json' }
    expect(await raw(bridge.httpUrl + path, method, { ...headers, origin: 'http://localhost:3000' })).toBe(403)
    expect(await raw(bridge.httpUrl + path, method, { ...headers, origin: `http://127.0.0.1:${Number(port) + 1}` })).toBe(403)
    expect(await raw(bridge.httpUrl + path, method, { ...headers, origin: `https://127.0.0.1:${port}` })).toBe(403)
    // served: the route's own answer (an empty analysis exports nothing: 400; an unknown preset: 404), not the origin refusal
    if (method === 'GET') expect(await raw(bridge.httpUrl + path, method, { ...headers, origin: `http://localhost:${port}` })).not.toBe(403)
    expect(await raw(bridge.httpUrl + path, method, { ...headers, origin: `http://127.0.0.1:${port}` })).not.toBe(403)
    expect(await raw(bridge.httpUrl + path, method, headers)).not.toBe(403)
  })

  test('/ws and /ws-in refuse a page on another local port, and writing the tempo through /ws-in from there does nothing', async () => {
    const ws = bridge.httpUrl!.replace('http', 'ws')
    const port = new URL(bridge.httpUrl!).port
    for (const path of ['/ws', '/ws-in']) {
      expect(await wsStatus(ws + path, 'http://localhost:3000'), path).toBe(403)
      expect(await wsStatus(ws + path, `http://localhost:${port}`), path).toBe(101)
    }
    const evil = new WebSocket(`${ws}/ws-in`, { origin: 'http://localhost:3000' })
    evil.on('open', () => evil.send(encodeOsc('/emolane/tempo', [133])))
    evil.on('error', () => {})
    await new Promise((r) => evil.once('close', r))
    expect(bridge.status().transport.tempo).toBeNull()
  })

  test('with a token, another origin passes only when it carries the token', async () => {
    const port = new URL(tokened.httpUrl!).port
    const headers = { host: `127.0.0.1:${port}`, origin: 'http://localhost:3000' }
    expect(await raw(`${tokened.httpUrl}/api/analysis`, 'GET', headers)).toBe(403)
    expect(await raw(`${tokened.httpUrl}/api/analysis?token=${TOKEN}`, 'GET', headers)).toBe(200)
    const ws = tokened.httpUrl!.replace('http', 'ws')
    expect(await wsStatus(`${ws}/ws`, 'http://localhost:3000')).toBe(403)
    expect(await wsStatus(`${ws}/ws?token=${TOKEN}`, 'http://localhost:3000')).toBe(101)
  })
})
