/**
 * Exposure: the bridge listens on 127.0.0.1 unless told otherwise; listening anywhere else needs a
 * token, which then guards every way in (/api/*, /ws, /ws-in, OSC over UDP) while the panel's
 * static files and a bare liveness answer stay public; size and rate limits are options with safe
 * defaults, enforced as data arrives. The DAW dialect ports (`--daw`), whose senders cannot present
 * the token, stay on 127.0.0.1 whatever --host says and hear only listed senders anywhere else.
 */
import { spawn, spawnSync } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { WebSocket } from 'ws'
import { attachDawServe, dawGateOptions, type DawServe } from '../../bridge/daw/serve-integration.js'
import type { Bridge } from '../../bridge/server/bridge.js'
import { encodeOsc } from '../../bridge/server/osc-codec.js'
import { bridgeDefaults, resolveOptions } from '../../bridge/server/options.js'
import { encodeWsAudio } from '../../bridge/server/ws-audio-format.js'
import { startBridge, until } from '../integration/live-helpers.js'

const TOKEN = 'studio-secret-42'
const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js')
/** An address of this machine other than loopback, when it has one. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address

/** Opens a WebSocket; resolves with its first message, or with the close code if it closes first. */
function wsFirst(url: string): Promise<{ message?: string; close?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url)
    ws.on('error', () => undefined)
    ws.once('message', (d) => {
      resolve({ message: String(d) })
      ws.close()
    })
    ws.once('close', (code) => resolve({ close: code }))
  })
}

describe('listening address', () => {
  test('the default is 127.0.0.1, for HTTP and OSC alike', async () => {
    expect(bridgeDefaults.host).toBe('127.0.0.1')
    expect(resolveOptions({}).host).toBe('127.0.0.1')
    const bridge = await startBridge({ host: undefined, persist: false })
    try {
      expect(bridge.options.host).toBe('127.0.0.1')
      expect(new URL(bridge.httpUrl!).hostname).toBe('127.0.0.1')
      if (lanAddress) {
        // from this machine's LAN address, nothing answers: not HTTP, not OSC
        const port = Number(new URL(bridge.httpUrl!).port)
        const refused = await new Promise<string>((resolve) => connect(port, lanAddress).once('connect', () => resolve('connected')).once('error', (e: NodeJS.ErrnoException) => resolve(e.code!)))
        expect(refused).toBe('ECONNREFUSED')
        const udp = createSocket('udp4')
        await new Promise<void>((r) => udp.send(encodeOsc('/emolane/tempo', [77]), bridge.oscPort!, lanAddress, () => r()))
        await new Promise((r) => setTimeout(r, 300))
        udp.close()
        expect(bridge.status().transport.tempo).toBeNull()
      }
    } finally {
      await bridge.close()
    }
  })

  test('emolane serve says where it listens: 127.0.0.1 unless --host says otherwise', () => {
    const r = spawnSync(process.execPath, [CLI, 'serve', '--help'], { encoding: 'utf8' })
    expect(r.stdout).toMatch(/--host ADDR\s+interface to listen on \(default 127\.0\.0\.1\); any other than\s+loopback needs --token/)
  })

  test('listening off loopback without a token is refused, by the API and by emolane serve', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20']) expect(() => resolveOptions({ host })).toThrow(/needs a token \(--token\)/)
    expect(() => resolveOptions({ host: '0.0.0.0', token: 'short' })).toThrow(/at least 8 characters/)
    expect(() => resolveOptions({ host: '0.0.0.0', token: 'has space in it' })).toThrow(/without spaces/)
    const r = spawnSync(process.execPath, [CLI, 'serve', '--host', '0.0.0.0', '--http-port', '0', '--osc-port', '0', '--no-persist'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, EMOLANE_TOKEN: '' } })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/listening on 0\.0\.0\.0 \(not loopback\) needs a token \(--token\)/)
  })
})

describe('a bridge on 0.0.0.0 with a token', () => {
  let bridge: Bridge
  let http: string
  let ws: string
  beforeAll(async () => {
    bridge = await startBridge({ host: '0.0.0.0', token: TOKEN, persist: false })
    const port = new URL(bridge.httpUrl!).port
    // reach it the way another machine would where the machine has a LAN address, else over loopback
    http = `http://${lanAddress ?? '127.0.0.1'}:${port}`
    ws = http.replace('http', 'ws')
  })
  afterAll(() => bridge?.close())

  test('/api/* needs the token (?token= or Bearer); the panel files and a bare /health do not', async () => {
    for (const path of ['/api/analysis', '/api/status', '/api/export?to=csv', '/api/export/options']) {
      expect((await fetch(`${http}${path}`)).status, path).toBe(401)
      expect((await fetch(`${http}${path}${path.includes('?') ? '&' : '?'}token=wrong-token-1`)).status, path).toBe(401)
      // with it: answered (an export of a still empty song is a 400 saying so, not a 401)
      const ok = path.startsWith('/api/export?') ? [400] : [200]
      expect(ok, path).toContain((await fetch(`${http}${path}${path.includes('?') ? '&' : '?'}token=${TOKEN}`)).status)
      expect(ok, path).toContain((await fetch(`${http}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).status)
    }
    const refused = (await (await fetch(`${http}/api/analysis`)).json()) as { error: { code: string; message: string } }
    expect(refused.error).toEqual({ code: 'unauthorized', message: expect.stringMatching(/needs a token: add \?token=\.\.\. or an Authorization: Bearer header/) })
    expect((await fetch(`${http}/`)).status).toBe(200) // the panel page holds no data; it asks for the token
    expect(await (await fetch(`${http}/health`)).json()).toEqual({ ok: true, auth: 'token required for details' })
    expect(((await (await fetch(`${http}/health?token=${TOKEN}`)).json()) as { status?: unknown }).status).toBeDefined()
  })

  test('/ws without the token is closed with 4401; with it the feed starts with a snapshot', async () => {
    expect(await wsFirst(`${ws}/ws`)).toEqual({ close: 4401 })
    expect(await wsFirst(`${ws}/ws?token=nope-nope-nope`)).toEqual({ close: 4401 })
    expect(JSON.parse((await wsFirst(`${ws}/ws?token=${TOKEN}`)).message!).type).toBe('snapshot')
  })

  test('/ws-in without the token is closed with 4401 and nothing it sent is applied; with it OSC and audio go in', async () => {
    const bad = new WebSocket(`${ws}/ws-in`)
    bad.on('error', () => undefined)
    const closed = await new Promise<number>((r) => {
      bad.once('open', () => bad.send(encodeOsc('/emolane/tempo', [66])))
      bad.once('close', (c) => r(c))
    })
    expect(closed).toBe(4401)
    expect(bridge.status().transport.tempo).toBeNull()
    const good = new WebSocket(`${ws}/ws-in`, { headers: { authorization: `Bearer ${TOKEN}` } })
    await new Promise((r) => good.once('open', r))
    good.send(encodeOsc('/emolane/tempo', [66]))
    good.send(encodeWsAudio({ channels: 1, sampleRate: 16000, time: 0, samples: new Float32Array(1600).fill(0.1) }))
    await until(() => bridge.status().transport.tempo === 66 && bridge.analysis().duration > 0, 3000, 'tempo and audio through /ws-in')
    good.close()
  })

  test('OSC over UDP is ignored until /emolane/auth <token>, per sender address and port', async () => {
    const host = lanAddress ?? '127.0.0.1'
    const a = createSocket('udp4')
    const b = createSocket('udp4')
    const send = (s: ReturnType<typeof createSocket>, m: Uint8Array) => new Promise<void>((r) => s.send(m, bridge.oscPort!, host, () => r()))
    const before = bridge.errors.count('unauthorized')
    await send(a, encodeOsc('/emolane/tempo', [101]))
    await send(a, encodeOsc('/emolane/auth', ['wrong-token-2']))
    await until(() => bridge.errors.count('unauthorized') - before === 2, 3000, 'two refusals')
    expect(bridge.status().transport.tempo).not.toBe(101)
    await send(a, encodeOsc('/emolane/auth', [TOKEN]))
    await send(a, encodeOsc('/emolane/tempo', [101]))
    await until(() => bridge.status().transport.tempo === 101, 3000, 'the trusted sender')
    await send(b, encodeOsc('/emolane/tempo', [102])) // another port of the same machine is not trusted
    await until(() => bridge.errors.count('unauthorized') - before === 3, 3000, 'the untrusted sender refused')
    expect(bridge.status().transport.tempo).toBe(101)
    a.close()
    b.close()
  })
})

describe('limits: options with safe defaults, enforced', () => {
  test('the defaults', () => {
    expect(bridgeDefaults).toMatchObject({
      maxMessageBytes: 8 * 1024 * 1024,
      maxMessagesPerSecond: 4000,
      maxBytesPerSecond: 32 * 1024 * 1024,
      maxClients: 32,
      maxIngestClients: 16,
      maxBlockSeconds: 10,
      maxDuration: 1200,
      maxLyricChars: 2000,
      maxLyricLines: 5000,
      maxSections: 500,
      errorsPerSecond: 5,
    })
  })

  test('nonsense limits are refused when the bridge is made', () => {
    expect(() => resolveOptions({ maxMessageBytes: 0 })).toThrow(/maxMessageBytes must be a positive number, got 0/)
    expect(() => resolveOptions({ maxMessagesPerSecond: Number.NaN })).toThrow(/maxMessagesPerSecond must be a positive number, got NaN/)
    expect(() => resolveOptions({ maxClients: -1 })).toThrow(/maxClients must be a positive number/)
    expect(() => resolveOptions({ maxBlockSeconds: 100, maxDuration: 50 })).toThrow(/maxBlockSeconds \(100\) cannot exceed maxDuration \(50\)/)
  })

  test('feed and ingest connections past maxClients / maxIngestClients are closed with 1013 and said', async () => {
    const bridge = await startBridge({ persist: false, maxClients: 2, maxIngestClients: 1 })
    try {
      const url = bridge.httpUrl!.replace('http', 'ws')
      const keep = [new WebSocket(`${url}/ws`), new WebSocket(`${url}/ws`), new WebSocket(`${url}/ws-in`)]
      await Promise.all(keep.map((w) => new Promise((r) => w.once('open', r))))
      await until(() => bridge.status().clients === 2, 3000, 'two feed clients')
      expect(await wsFirst(`${url}/ws`)).toEqual({ close: 1013 })
      const extra = new WebSocket(`${url}/ws-in`)
      expect(await new Promise((r) => extra.once('close', (c) => r(c)))).toBe(1013)
      expect(bridge.errors.count('too-many-clients')).toBe(2)
      keep.forEach((w) => w.close())
    } finally {
      await bridge.close()
    }
  })

  test('bytes per second per source: big datagrams past the budget are refused as rate-limited', async () => {
    const bridge = await startBridge({ persist: false, maxBytesPerSecond: 200_000 })
    try {
      const udp = createSocket('udp4')
      const big = encodeOsc('/emolane/lyrics/line', [1, 2, 'x'.repeat(1500)]) // ~1.5 KB each, well-formed and valid
      for (let i = 0; i < 400; i++) await new Promise<void>((r) => udp.send(big, bridge.oscPort!, '127.0.0.1', () => r()))
      await until(() => bridge.errors.count('rate-limited') > 0, 3000, 'rate limiting')
      udp.close()
      // one second of budget (200 KB) passed: about 130 lines' worth, the rest was refused
      await new Promise((r) => setTimeout(r, 300))
      expect(bridge.errors.count('rate-limited')).toBeGreaterThan(200)
    } finally {
      await bridge.close()
    }
  })
})

describe('DAW dialect ports (--daw): a DAW cannot present the token, so they stay local unless allow-listed', () => {
  /** A second address of this machine to send from: its LAN address, else 127.0.0.2 (all of 127/8 is loopback on Linux). */
  const otherAddress = lanAddress ?? '127.0.0.2'
  const sendFrom = async (from: string, to: string, port: number, packets: Uint8Array[]): Promise<number> => {
    const s = createSocket('udp4')
    await new Promise<void>((r) => s.bind(0, from, () => r()))
    for (const p of packets) await new Promise<void>((r) => s.send(p, port, to, () => r()))
    const own = s.address().port
    s.close()
    return own
  }
  let bridge: Bridge
  const attached: DawServe[] = []
  beforeAll(async () => {
    bridge = await startBridge({ host: '0.0.0.0', token: TOKEN, persist: false })
  })
  afterAll(async () => {
    for (const d of attached) await d.close()
    await bridge?.close()
  })

  test('with the bridge on 0.0.0.0 they still bind 127.0.0.1: nothing answers on the machine\'s other addresses', async () => {
    const daw = await attachDawServe(bridge, { daw: 'reaper:0', log: null })
    attached.push(daw)
    const reaper = daw.dialects!.listeners[0]!
    expect(reaper.host).toBe('127.0.0.1')
    if (lanAddress) {
      await sendFrom(lanAddress, lanAddress, reaper.port, [encodeOsc('/tempo/raw', [77])])
      await new Promise((r) => setTimeout(r, 300))
      expect(reaper.stats.packets).toBe(0)
      expect(bridge.status().transport.tempo).toBeNull()
    }
    await sendFrom('127.0.0.1', '127.0.0.1', reaper.port, [encodeOsc('/tempo/raw', [78])])
    await until(() => bridge.status().transport.tempo === 78, 3000, 'REAPER over loopback')
    await daw.close()
  })

  test('emolane serve --host 0.0.0.0 --token T --daw reaper binds the REAPER port on 127.0.0.1', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--host', '0.0.0.0', '--token', TOKEN, '--http-port', '0', '--osc-port', '0', '--no-persist', '--device', 'cpu', '--daw', 'reaper:0'], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += String(d)))
    try {
      await until(() => /reaper: listening for OSC on udp:\/\/\S+:\d+/.test(stderr) || child.exitCode !== null, 60_000, 'serve to listen for REAPER')
      const [, host, port] = /reaper: listening for OSC on udp:\/\/(\S+):(\d+)/.exec(stderr) ?? []
      expect(host, stderr).toBe('127.0.0.1')
      if (lanAddress) {
        await sendFrom(lanAddress, lanAddress, Number(port), [encodeOsc('/tempo/raw', [77])])
        await new Promise((r) => setTimeout(r, 300))
        expect(stderr).not.toMatch(/reaper: first message from/)
      }
      await sendFrom('127.0.0.1', '127.0.0.1', Number(port), [encodeOsc('/tempo/raw', [78])])
      await until(() => /reaper: first message from 127\.0\.0\.1:/.test(stderr), 5000, 'REAPER over loopback')
    } finally {
      child.kill('SIGTERM')
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)))
    }
  }, 90_000)

  test('a non-loopback --daw-host without --daw-allow is refused before anything listens, by the API and by emolane serve', async () => {
    await expect(attachDawServe(bridge, { daw: 'reaper:0', dawHost: '0.0.0.0', log: null })).rejects.toThrow(TypeError)
    expect(() => dawGateOptions({ daw: 'reaper', dawHost: '192.168.1.20' })).toThrow(/DAW dialect ports on 192\.168\.1\.20 \(not loopback\) need --daw-allow IP\[,IP\.\.\.\]: a DAW's own OSC carries no token/)
    expect(() => dawGateOptions({ dawHost: '0.0.0.0', dawAllow: '10.0.0.2' })).toThrow(/--daw-host and --daw-allow only apply to --daw listeners/)
    expect(() => dawGateOptions({ daw: 'reaper', dawHost: '0.0.0.0', dawAllow: 'studio-mac' })).toThrow(/--daw-allow takes IPv4 addresses/)
    const r = spawnSync(process.execPath, [CLI, 'serve', '--http-port', '0', '--osc-port', '0', '--no-persist', '--daw', 'reaper:0', '--daw-host', '0.0.0.0'], { encoding: 'utf8', timeout: 30_000 })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/emolane serve: DAW dialect ports on 0\.0\.0\.0 \(not loopback\) need --daw-allow/)
    expect(r.stderr).not.toMatch(/emolane bridge: model/) // refused before the bridge started
    const help = spawnSync(process.execPath, [CLI, 'serve', '--help'], { encoding: 'utf8' })
    expect(help.stdout).toMatch(/--daw-host ADDR\s+interface the --daw ports listen on \(default 127\.0\.0\.1, whatever --host\s+says\); any other than loopback needs --daw-allow/)
  })

  test('on 0.0.0.0 with --daw-allow, a sender not on the list is refused and counted as daw-not-allowed; the listed one moves the transport', async () => {
    const daw = await attachDawServe(bridge, { daw: 'reaper:0', dawHost: '0.0.0.0', dawAllow: otherAddress, log: null })
    attached.push(daw)
    const reaper = daw.dialects!.listeners[0]!
    expect(reaper.host).toBe('0.0.0.0')
    const before = bridge.errors.count('daw-not-allowed')
    await sendFrom('127.0.0.1', '127.0.0.1', reaper.port, [encodeOsc('/tempo/raw', [141]), encodeOsc('/time', [33]), encodeOsc('/play', [1])])
    await until(() => bridge.errors.count('daw-not-allowed') - before === 3, 3000, 'three refusals')
    expect(bridge.status().transport.tempo).not.toBe(141)
    await sendFrom(otherAddress, otherAddress, reaper.port, [encodeOsc('/tempo/raw', [129]), encodeOsc('/time', [12]), encodeOsc('/play', [1])])
    await until(() => bridge.status().transport.tempo === 129 && bridge.status().transport.playing, 3000, 'the listed DAW followed')
    expect(bridge.errors.count('daw-not-allowed') - before).toBe(3)
    await daw.close()
  })

  test('a burst past the per-source rate into a dialect port is counted as rate-limited; the bridge keeps running and following', async () => {
    const limited = await startBridge({ persist: false, maxMessagesPerSecond: 50 })
    const daw = await attachDawServe(limited, { daw: 'reaper:0', log: null })
    try {
      const reaper = daw.dialects!.listeners[0]!
      const s = createSocket('udp4')
      for (let k = 0; k < 300; k++) {
        await new Promise<void>((r) => s.send(encodeOsc('/tempo/raw', [60 + (k % 100)]), reaper.port, '127.0.0.1', () => r()))
        if (k % 25 === 24) await new Promise((r) => setImmediate(r)) // the dialect socket reads on this thread
      }
      await until(() => reaper.stats.packets === 300, 3000, 'the burst read')
      expect(limited.errors.count('rate-limited')).toBe(reaper.stats.refused)
      expect(reaper.stats.refused).toBeGreaterThan(100)
      await new Promise((r) => setTimeout(r, 1100))
      await new Promise<void>((r) => s.send(encodeOsc('/tempo/raw', [177]), reaper.port, '127.0.0.1', () => r()))
      await until(() => limited.status().transport.tempo === 177, 3000, 'REAPER followed after the burst')
      expect((await fetch(`${limited.httpUrl}/health`)).status).toBe(200)
      s.close()
    } finally {
      await daw.close()
      await limited.close()
    }
  })
})
