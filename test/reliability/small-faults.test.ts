/**
 * Smaller faults from the second adversarial review: project names are names at every entry point,
 * project creation over OSC is bounded, the panel's static folder serves only real files inside it,
 * and a slow HTTP client is timed out.
 */
import { createSocket } from 'node:dgram'
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { encodeOsc } from '../../bridge/server/osc-codec.js'
import { HEADERS_TIMEOUT_MS } from '../../bridge/server/http-server.js'
import { resolveOptions } from '../../bridge/server/options.js'
import { ProjectStore } from '../../bridge/server/project-store.js'
import { startBridge, tempDataDir, until } from '../integration/live-helpers.js'

const dirs: { remove: () => void }[] = []
afterAll(() => dirs.forEach((d) => d.remove()))
const fresh = (): string => {
  const d = tempDataDir()
  dirs.push(d)
  return d.dir
}

describe('project names', () => {
  test.each(['../escape-test', 'a b/c', '/etc', '.hidden', '', 'x'.repeat(65)])('%j is refused by serve --project (options) and by the store, before any folder is made', (name) => {
    expect(() => resolveOptions({ project: name })).toThrow(RangeError)
    const data = fresh()
    expect(() => new ProjectStore(join(data, 'projects'), name)).toThrow(/project name must be 1-64 letters/)
    expect(readdirSync(data)).toEqual([])
  })

  test('2,000 /emolane/project datagrams create at most maxNewProjects folders; switching to an existing project still works', async () => {
    const dataDir = fresh()
    const bridge = await startBridge({ dataDir, maxNewProjects: 4 })
    const udp = createSocket('udp4')
    const send = (name: string) => new Promise<void>((r) => udp.send(encodeOsc('/emolane/project', [name]), bridge.oscPort!, '127.0.0.1', () => r()))
    try {
      for (let i = 0; i < 2000; i++) await send(`p${i}`)
      await until(() => bridge.errors.count('project-bad') >= 1996, 30_000, '1,996 refused creations')
      expect(readdirSync(dataDir).sort()).toEqual(['default', 'p0', 'p1', 'p2', 'p3'])
      await send('p1')
      await until(() => bridge.status().project === 'p1', 10_000, 'the switch to p1')
      const t0 = performance.now()
      expect((await fetch(`${bridge.httpUrl}/api/status`)).status).toBe(200)
      console.log(`after 2,000 project datagrams: ${readdirSync(dataDir).length} folders, /api/status in ${(performance.now() - t0).toFixed(0)} ms`)
    } finally {
      udp.close()
      await bridge.close()
    }
  })
})

describe('HTTP', () => {
  test('a symlink inside the panel folder is not followed (it served /etc/passwd)', async () => {
    const dir = fresh()
    const panel = join(dir, 'panel')
    mkdirSync(panel)
    writeFileSync(join(panel, 'index.html'), '<!doctype html>')
    writeFileSync(join(dir, 'secret.txt'), 'top secret')
    symlinkSync(join(dir, 'secret.txt'), join(panel, 'link.txt'))
    symlinkSync(dir, join(panel, 'up'))
    const bridge = await startBridge({ persist: false, panelDir: panel })
    try {
      for (const path of ['/link.txt', '/up/secret.txt']) {
        const res = await fetch(bridge.httpUrl + path)
        expect(res.status, path).toBe(404)
        expect(await res.text(), path).not.toContain('top secret')
      }
      expect((await fetch(`${bridge.httpUrl}/index.html`)).status).toBe(200)
    } finally {
      await bridge.close()
    }
  })

  test(`a client sending its headers slowly is disconnected after ${HEADERS_TIMEOUT_MS / 1000} s`, async () => {
    const bridge = await startBridge({ persist: false })
    try {
      const socket = connect(Number(new URL(bridge.httpUrl!).port), '127.0.0.1')
      const t0 = performance.now()
      socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n')
      const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 1000)
      let answer = ''
      socket.on('data', (d) => (answer += d.toString()))
      socket.on('error', () => {})
      await new Promise((r) => socket.once('close', r))
      clearInterval(drip)
      const seconds = (performance.now() - t0) / 1000
      expect(seconds).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS / 1000 - 1)
      expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout/)
    } finally {
      await bridge.close()
    }
  }, 60_000)
})
