/** Serves the built panel (dist/panel) read-only, with a placeholder page until it is built. */
import { createReadStream, existsSync } from 'node:fs'
import { lstat, realpath } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, normalize, resolve, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

/** The page shown at / while dist/panel has no index.html. */
function placeholder(panelDir: string): string {
  const script = existsSync(join(panelDir, 'panel.js')) ? '<script type="module" src="/panel.js"></script>' : ''
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>emolane bridge</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}code{background:#eee;padding:0 .25em}</style>
</head><body>
<h1>emolane bridge</h1>
<p>The bridge is running. The panel is not built yet: run <code>npm run build</code>, then reload.</p>
<p>Live data: <a href="/health">/health</a>, <a href="/api/analysis">/api/analysis</a>, and the WebSocket feed at <code>/ws</code>.</p>
${script}
</body></html>`
}

/** Answers GET/HEAD for a file under `root`; true when it handled the request. */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string, root: string): Promise<boolean> {
  const base = resolve(root)
  let rel: string
  try {
    rel = decodeURIComponent(pathname)
  } catch {
    return false
  }
  if (rel.includes('\0')) return false
  if (rel === '/' || rel === '') rel = '/index.html'
  const file = normalize(join(base, rel))
  if (file !== base && !file.startsWith(base + sep)) return false // no way out of the panel folder
  // only real files inside the folder: a symlink (to /etc/passwd, say) is not followed, nor a folder that resolves outside
  const info = await lstat(file).catch(() => null)
  const real = info?.isFile() ? await realpath(file).catch(() => null) : null
  const inside = real !== null && real.startsWith((await realpath(base).catch(() => base)) + sep)
  if (!info?.isFile() || !inside) {
    if (rel === '/index.html') {
      const body = placeholder(base)
      res.writeHead(200, { 'content-type': TYPES['.html']!, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-cache' })
      res.end(req.method === 'HEAD' ? undefined : body)
      return true
    }
    return false
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': 'no-cache',
  })
  if (req.method === 'HEAD') {
    res.end()
    return true
  }
  const stream = createReadStream(file)
  stream.on('error', () => res.destroy())
  stream.pipe(res)
  return true
}
