/**
 * A stand-in for the bridge in panel tests: serves the built panel (dist/panel) over HTTP, a /ws feed
 * the test writes FeedMessages into, and the export/preset API the panel calls. It can go away and
 * come back on the same port, as a restarted bridge does.
 */
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import type { FeedMessage } from '../../bridge/server/protocol.js'

export type FakeBridgeOptions = {
  /** Folder served at /, default dist/panel */
  root?: string
  /** Port to listen on, default a free one */
  port?: number
  /** The snapshot each new feed client gets first */
  snapshot: () => FeedMessage
  /** Token the feed and API require (?token=), default none */
  token?: string
}

/** A request the panel made to the API. */
export type ApiCall = { method: string; path: string; query: Record<string, string> }

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.map': 'application/json' }

/** The running fake; `stop()` closes it, `start()` brings it back on the same port. */
export class FakeBridge {
  readonly calls: ApiCall[] = []
  port = 0
  private server: Server | null = null
  private wss: WebSocketServer | null = null
  private readonly opts: FakeBridgeOptions & { root: string }

  constructor(options: FakeBridgeOptions) {
    this.opts = { root: 'dist/panel', ...options }
    this.port = options.port ?? 0
  }

  /** The panel's page URL (with the token when one is required). */
  get url(): string {
    return `http://127.0.0.1:${this.port}/${this.opts.token ? `?token=${this.opts.token}` : ''}`
  }

  /** Feed clients connected now. */
  get clients(): number {
    return this.wss?.clients.size ?? 0
  }

  /** Listens (again) on the same port. */
  async start(): Promise<this> {
    const server = createServer((req, res) => void this.serve(req, res))
    const wss = new WebSocketServer({ noServer: true })
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x')
      if (url.pathname !== '/ws' || !this.allowed(url)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n')
        return
      }
      wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        ws.send(JSON.stringify(this.opts.snapshot()))
      })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', () => resolve())
    })
    this.port = (server.address() as AddressInfo).port
    this.server = server
    this.wss = wss
    return this
  }

  /** Sends a message to every feed client. */
  send(msg: FeedMessage): void {
    const text = JSON.stringify(msg)
    for (const c of this.wss?.clients ?? []) c.send(text)
  }

  /** Goes away: drops every client and stops listening. */
  async stop(): Promise<void> {
    for (const c of this.wss?.clients ?? []) c.terminate()
    this.wss?.close()
    const server = this.server
    this.server = null
    this.wss = null
    if (server) {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }

  private allowed(url: URL): boolean {
    return !this.opts.token || url.searchParams.get('token') === this.opts.token
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x')
    const query = Object.fromEntries(url.searchParams)
    if (url.pathname.startsWith('/api/')) {
      this.calls.push({ method: req.method ?? 'GET', path: url.pathname, query })
      if (!this.allowed(url)) return json(res, 401, { error: 'token missing or wrong' })
      if (url.pathname === '/api/export/options') {
        return json(res, 200, {
          formats: [
            { id: 'mid', label: 'Standard MIDI file (.mid)' },
            { id: 'csv', label: 'CSV' },
          ],
          mappings: [{ name: 'filter-arousal', description: 'Arousal opens a filter.' }, { name: 'volume-valence' }],
        })
      }
      if (url.pathname === '/api/export') {
        const body = `t,value\n0,${query.to},${query.mapping}\n`
        res.writeHead(200, { 'content-type': 'text/csv', 'content-disposition': `attachment; filename="emolane-${query.mapping}.${query.to}"` })
        return void res.end(body)
      }
      if (url.pathname === '/api/presets') return json(res, 200, { presets: ['default', 'detailed', 'live-fast'], current: 'default' })
      if (url.pathname === '/api/preset' && req.method === 'POST') return json(res, 200, { ok: true })
      return json(res, 404, { error: `no such endpoint ${url.pathname}` })
    }
    const rel = normalize(url.pathname === '/' ? 'index.html' : url.pathname.slice(1))
    if (rel.startsWith('..')) return json(res, 400, { error: 'bad path' })
    try {
      const body = await readFile(join(this.opts.root, rel))
      res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream' })
      res.end(body)
    } catch {
      json(res, 404, { error: `not found: ${url.pathname}` })
    }
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}
