/**
 * HTTP on one port: the panel at /, GET /health, GET /api/analysis, GET /api/export(/options),
 * GET /api/presets, POST /api/preset, and the WebSocket upgrades /ws (feed) and /ws-in (ingest).
 * With a token, /api/*, /ws and /ws-in need it (`?token=` or `Authorization: Bearer`); on loopback,
 * requests from other sites are refused; a POST must also come from the bridge's own origin.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { AnalysisPreset } from '../analysis/presets.js'
import type { Analysis } from '../analysis/types.js'
import { WebSocketServer } from 'ws'
import { authorized, sameOriginOk, sameOriginPost } from './auth.js'
import { excerpt } from './excerpt.js'
import type { BridgeStatus } from './protocol.js'
import { serveStatic } from './static-files.js'

/** What the HTTP layer needs from the bridge. */
export type HttpDeps = {
  token: string | null
  loopback: boolean
  panelDir: string
  status: () => BridgeStatus
  analysis: () => Analysis
  /** Extra facts for /health (uptime, errors, memory). */
  health: () => Record<string, unknown>
  /** GET /api/presets: the analysis presets and the one in use. */
  presets: () => Promise<{ presets: string[]; current: string }>
  /** POST /api/preset: switches the analysis preset; rejects with a RangeError for an unknown name. */
  selectPreset: (name: string) => Promise<AnalysisPreset>
  upgradeFeed: (req: IncomingMessage, socket: Duplex, head: Buffer) => void
  upgradeIngest: (req: IncomingMessage, socket: Duplex, head: Buffer) => void
  /** Reports a refused request. */
  problem: (code: string, message: string) => void
}

const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' }

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...SECURITY_HEADERS, ...extra })
  res.end(text)
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } })
}

/** Lists what /api/export can write: its formats and the mapping presets (the panel's export dialog). */
async function handleExportOptions(res: ServerResponse): Promise<void> {
  const mod = await import('../export/index.js')
  sendJson(res, 200, { formats: [...mod.EXPORT_FORMATS], mappings: await mod.listMappings() })
}

/** Exports the current analysis through the exporter (bridge/export), loaded on first use. */
async function handleExport(url: URL, res: ServerResponse, analysis: Analysis): Promise<void> {
  let mod: typeof import('../export/index.js')
  try {
    mod = await import('../export/index.js')
  } catch (err) {
    sendError(res, 501, 'export-unavailable', `export is not available in this build: ${err instanceof Error ? err.message : String(err)}`)
    return
  }
  const to = url.searchParams.get('to')
  if (!to) {
    sendError(res, 400, 'export-bad-request', `missing ?to=; expected one of ${mod.EXPORT_FORMATS.join(', ')}`)
    return
  }
  const q = url.searchParams
  try {
    const out = await mod.exportAnalysis(analysis, {
      to: to as (typeof mod.EXPORT_FORMATS)[number],
      mapping: q.get('mapping') ?? undefined,
      timeUnit: (q.get('timeUnit') ?? undefined) as 'seconds' | 'beats' | undefined,
      rppKind: (q.get('rppKind') ?? undefined) as 'template' | 'project' | undefined,
      fourteenBit: q.get('fourteenBit') === '1' || q.get('fourteenBit') === 'true',
    })
    res.writeHead(200, {
      'content-type': out.mime,
      'content-length': out.bytes.length,
      'content-disposition': `attachment; filename="${out.filename.replace(/["\\\r\n]/g, '_')}"`,
      'cache-control': 'no-store',
      ...SECURITY_HEADERS,
    })
    res.end(Buffer.from(out.bytes.buffer, out.bytes.byteOffset, out.bytes.byteLength))
  } catch (err) {
    sendError(res, 400, 'export-failed', err instanceof Error ? err.message : String(err))
  }
}

/** Time a client has to send its request headers, ms. */
export const HEADERS_TIMEOUT_MS = 10_000
/** Time a client has to send its whole request, ms. */
export const REQUEST_TIMEOUT_MS = 30_000
/** An idle keep-alive connection is closed after this long, ms. */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000

/** Largest JSON body of a POST, bytes (a preset name needs a few dozen). */
export const MAX_POST_BYTES = 4096

/** A preset name as a request may give it: a file name in presets/analysis, never a path. */
const PRESET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/** Reads a JSON body of at most MAX_POST_BYTES; answers the error itself and returns undefined when it is not one. */
async function readJson(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json') {
    sendError(res, 415, 'unsupported-media-type', `expected a JSON body (content-type: application/json), got ${JSON.stringify(type || 'none')}`)
    return undefined
  }
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > MAX_POST_BYTES) {
    sendError(res, 413, 'payload-too-large', `the body may be at most ${MAX_POST_BYTES} bytes, got ${declared}`)
    req.resume()
    return undefined
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_POST_BYTES) {
      sendError(res, 413, 'payload-too-large', `the body may be at most ${MAX_POST_BYTES} bytes, got more`)
      req.destroy()
      return undefined
    }
    chunks.push(chunk)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch (err) {
    sendError(res, 400, 'bad-json', `the body is not JSON: ${err instanceof Error ? err.message : String(err)}`)
    return undefined
  }
}

/** POST /api/preset {"preset": NAME}: switches the analysis preset. */
async function handleSelectPreset(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): Promise<void> {
  const body = await readJson(req, res)
  if (body === undefined) return
  const name = typeof body === 'object' && body !== null ? (body as { preset?: unknown }).preset : undefined
  if (typeof name !== 'string' || !PRESET_NAME.test(name)) {
    sendError(res, 400, 'preset-bad-request', `expected {"preset": NAME} with a preset name (letters, digits, . _ -), got ${excerpt(JSON.stringify(body) ?? String(body))}`)
    return
  }
  try {
    const preset = await deps.selectPreset(name)
    sendJson(res, 200, { ok: true, preset })
  } catch (err) {
    if (err instanceof RangeError) sendError(res, 404, 'preset-unknown', err.message)
    else throw err
  }
}

/** Creates the HTTP server (not yet listening). */
export function createHttpServer(deps: HttpDeps): Server {
  const refuser = new WebSocketServer({ noServer: true, maxPayload: 1024 })
  // a slow client gets HEADERS_TIMEOUT_MS for its headers and REQUEST_TIMEOUT_MS for the whole request, checked every second
  const server = createServer({ headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1000 }, async function httpOnRequest(req, res) {
    try {
      await handle(req, res)
    } catch (err) {
      if (!res.headersSent) sendError(res, 500, 'internal', err instanceof Error ? err.message : String(err))
      else res.destroy()
    }
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://bridge')
    } catch {
      sendError(res, 400, 'bad-url', 'malformed request URL')
      return
    }
    if (!sameOriginOk(req, deps.loopback, deps.token)) {
      deps.problem('unauthorized', `refused ${req.method} ${excerpt(url.pathname)}: Host ${excerpt(req.headers.host ?? '')} / Origin ${excerpt(req.headers.origin ?? '')} is not this bridge's panel`)
      sendError(res, 403, 'forbidden-origin', `requests from a web page must come from the panel this bridge serves (Host localhost or 127.0.0.1, Origin http://localhost:${req.socket.localPort}) or carry the token`)
      return
    }
    const path = url.pathname
    const post = req.method === 'POST' && path === '/api/preset'
    if (path === '/api/preset' && !post) {
      res.setHeader('allow', 'POST')
      sendError(res, 405, 'method-not-allowed', `/api/preset takes POST {"preset": NAME}, got ${req.method}; GET /api/presets lists them`)
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD' && !post) {
      sendError(res, 405, 'method-not-allowed', `expected GET or HEAD, got ${req.method}`)
      return
    }
    if (post && !sameOriginPost(req)) {
      deps.problem('unauthorized', `refused POST ${path}: Origin ${JSON.stringify(req.headers.origin ?? '')} is not this bridge (Host ${JSON.stringify(req.headers.host ?? '')})`)
      sendError(res, 403, 'forbidden-origin', 'a POST must come from the panel this bridge serves (Origin must match Host)')
      return
    }
    const ok = authorized(req, deps.token)
    if (path === '/health') {
      // the bare liveness answer is public; details need the token
      sendJson(res, 200, ok ? { ok: true, status: deps.status(), ...deps.health() } : { ok: true, auth: 'token required for details' })
      return
    }
    if (path.startsWith('/api/')) {
      if (!ok) {
        deps.problem('unauthorized', `refused ${path}: missing or wrong token`)
        sendError(res, 401, 'unauthorized', 'this bridge needs a token: add ?token=... or an Authorization: Bearer header')
        return
      }
      if (path === '/api/analysis') return sendJson(res, 200, deps.analysis())
      if (path === '/api/status') return sendJson(res, 200, deps.status())
      if (path === '/api/export') return handleExport(url, res, deps.analysis())
      if (path === '/api/export/options') return handleExportOptions(res)
      if (path === '/api/presets') return sendJson(res, 200, await deps.presets())
      if (post) return handleSelectPreset(req, res, deps)
      sendError(res, 404, 'not-found', `no API ${path}; expected /api/analysis, /api/status, /api/export, /api/export/options, /api/presets or POST /api/preset`)
      return
    }
    if (await serveStatic(req, res, path, deps.panelDir)) return
    const ws = path === '/ws' || path === '/ws-in' ? `: ${path} expects a WebSocket upgrade (ws://), not a plain GET` : ''
    sendError(res, 404, 'not-found', `nothing at ${excerpt(path)}${ws}; expected the panel's files, /health or /api/*`)
  }

  server.on('upgrade', function httpOnUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on('error', () => socket.destroy())
    let path = '/'
    try {
      path = new URL(req.url ?? '/', 'http://bridge').pathname
    } catch {
      // falls through to 404
    }
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`)
    }
    if (path !== '/ws' && path !== '/ws-in') return refuse(404, `no WebSocket at ${excerpt(path)}; expected /ws or /ws-in`)
    if (!sameOriginOk(req, deps.loopback, deps.token)) {
      deps.problem('unauthorized', `refused a WebSocket on ${path}: Host ${excerpt(req.headers.host ?? '')} / Origin ${excerpt(req.headers.origin ?? '')} is not this bridge's panel`)
      return refuse(403, `Forbidden: Origin must be the panel this bridge serves (http://localhost:${req.socket.localPort}) or the request must carry the token`)
    }
    if (!authorized(req, deps.token)) {
      deps.problem('unauthorized', `refused a WebSocket on ${path}: missing or wrong token`)
      // complete the handshake so a browser sees why: close code 4401 (the panel shows it)
      refuser.handleUpgrade(req, socket, head, (ws) => ws.close(4401, 'token missing or wrong'))
      return
    }
    if (path === '/ws') deps.upgradeFeed(req, socket, head)
    else deps.upgradeIngest(req, socket, head)
  })
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS
  server.on('close', () => refuser.close())
  server.on('clientError', (err, socket) => {
    const timedOut = (err as NodeJS.ErrnoException).code === 'ERR_HTTP_REQUEST_TIMEOUT'
    if (socket.writable) socket.end(`HTTP/1.1 ${timedOut ? '408 Request Timeout' : '400 Bad Request'}\r\nConnection: close\r\n\r\n`)
    else socket.destroy()
  })
  return server
}
