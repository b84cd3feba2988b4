/**
 * HTTP fuzzed over real sockets: random methods, paths (traversal, percent-encoding, NULs, long),
 * query parameters for /api/export and the rest, and Host/Origin/Authorization headers. The
 * bridge never answers 500, every refusal is a JSON error with a code and a message saying what
 * was expected, nothing outside the panel folder is ever served, and the timeline is unchanged.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Analysis } from '../../bridge/analysis/types.js'
import type { Bridge } from '../../bridge/server/bridge.js'
import { tempDataDir } from '../integration/live-helpers.js'
import { fuzzRuns, fuzzTimeoutMs, SAYS_WHAT } from './fuzz-support.js'
import { draw, guardedBridge, timelineOf } from './socket-fuzz.js'

const RUNS = fuzzRuns(1500)
const SEED = Number(process.env.EMOLANE_FUZZ_SEED ?? 8008)
const SECRET = 'a file the bridge must never serve'

type Req = { method: string; path: string; headers: Record<string, string> }
type Res = { status: number; body: Buffer; type: string }

const segment = fc.oneof(
  fc.constantFrom('', '.', '..', '%2e%2e', '%2E%2E%2F', '..%5c', '%00', '%zz', 'secret.txt', 'index.html', 'panel.js', 'api', 'ws', 'health', '%ff%fe', '~', 'a'.repeat(300)),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
)
const value = fc.oneof(
  fc.constantFrom('csv', 'mid', 'dawproject', 'rpp', 'json', 'wav', '', 'seconds', 'beats', 'template', 'project', '1', 'true', 'all-curves', 'reverb-sadness', '../../../etc/passwd', '/etc/passwd', 'C:\\x', '%00', '%zz', 'x'.repeat(2000)),
  fc.string({ maxLength: 16 }).map(encodeURIComponent),
)
const key = fc.constantFrom('to', 'mapping', 'timeUnit', 'rppKind', 'fourteenBit', 'token', 'x', '', '%zz', 'to[]')
const path = fc.oneof(
  fc.constantFrom('/', '/health', '/api/analysis', '/api/status', '/api/export', '/api/export/options', '/api/', '/api/nothing', '/panel.js', '/index.html', '/ws', '/ws-in', '/../secret.txt', '//secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt'),
  fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => '/' + s.join('/')),
)
const hostileRequest = (port: number): fc.Arbitrary<Req> =>
  fc
    .record({
      method: fc.oneof({ weight: 8, arbitrary: fc.constant('GET') }, { weight: 2, arbitrary: fc.constantFrom('HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE') }),
      path,
      query: fc.array(fc.tuple(key, value), { maxLength: 6 }),
      host: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(`127.0.0.1:${port}`, `localhost:${port}`) }, { weight: 1, arbitrary: fc.constantFrom('evil.example', '127.0.0.1.evil.example', '', '[::1]', `[::1]:${port}`, 'xn--bad') }),
      origin: fc.option(fc.constantFrom('http://localhost', `http://127.0.0.1:${port}`, 'https://evil.example', 'null', 'file://', 'not a url')),
      auth: fc.option(fc.constantFrom('Bearer x', 'Bearer ', 'Basic Zm9vOmJhcg==', 'Bearer ' + 'y'.repeat(4000))),
    })
    .map(({ method, path, query, host, origin, auth }) => {
      const q = query.map(([k, v]) => `${k}=${v}`).join('&')
      const headers: Record<string, string> = { host }
      if (origin !== null) headers.origin = origin
      if (auth !== null) headers.authorization = auth
      return { method, path: q ? `${path}?${q}` : path, headers }
    })

function send(port: number, agent: Agent, r: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: r.method, path: r.path, headers: r.headers, agent }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks), type: String(res.headers['content-type'] ?? '') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

describe('HTTP under fuzzing', () => {
  let bridge: Bridge
  let baseline: Analysis
  let remove: () => Promise<void>
  const files = tempDataDir()

  beforeAll(async () => {
    const panel = join(files.dir, 'panel')
    mkdirSync(panel)
    writeFileSync(join(panel, 'index.html'), '<!doctype html><emolane-panel></emolane-panel>')
    writeFileSync(join(panel, 'panel.js'), 'export {}')
    writeFileSync(join(files.dir, 'secret.txt'), SECRET)
    ;({ bridge, baseline, remove } = await guardedBridge({ panelDir: panel }))
  }, 60_000)
  afterAll(async () => {
    await remove?.()
    files.remove()
  })

  test(
    `${RUNS} hostile requests: no 500, every refusal a JSON error saying what was expected, nothing outside the panel served`,
    async () => {
      const port = Number(new URL(bridge.httpUrl!).port)
      const agent = new Agent({ keepAlive: true, maxSockets: 4 })
      const statuses = new Map<number, number>()
      const requests = draw(hostileRequest(port), RUNS, SEED)
      for (let i = 0; i < requests.length; i += 4) {
        const batch = requests.slice(i, i + 4)
        const results = await Promise.all(batch.map((r) => send(port, agent, r)))
        results.forEach((res, k) => {
          const r = batch[k]!
          const what = `${r.method} ${r.path.slice(0, 120)} (Host ${r.headers.host})`
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
          expect([200, 400, 401, 403, 404, 405], what).toContain(res.status)
          expect(res.body.toString('latin1'), what).not.toContain(SECRET)
          if (res.status >= 400 && r.method !== 'HEAD') {
            expect(res.type, what).toContain('application/json')
            const { error } = JSON.parse(res.body.toString('utf8')) as { error: { code: string; message: string } }
            expect(error.code, what).toMatch(/^[a-z-]+$/)
            expect(error.message, what).toMatch(SAYS_WHAT)
          }
        })
      }
      agent.destroy()
      // the fuzz reached answers of every kind
      expect([...statuses.keys()].sort()).toEqual([200, 400, 401, 403, 404, 405].filter((s) => s !== 401))
      expect(timelineOf(bridge.analysis())).toEqual(timelineOf(baseline))
      const health = await fetch(`${bridge.httpUrl}/health`)
      expect(health.status).toBe(200)
    },
    fuzzTimeoutMs(90_000),
  )
})
