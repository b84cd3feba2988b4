/** Token checks for HTTP, WebSocket and OSC clients, and the same-origin rule for browsers. */
import { timingSafeEqual, createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** Compares in constant time (hashes first, so lengths leak nothing either). */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

/** The token a request carries: `?token=` or `Authorization: Bearer <token>`. */
export function requestToken(req: IncomingMessage): string | null {
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim()
  try {
    return new URL(req.url ?? '/', 'http://x').searchParams.get('token')
  } catch {
    return null
  }
}

/** True when the request may proceed: no token configured, or the right one presented. */
export function authorized(req: IncomingMessage, token: string | null): boolean {
  return token === null || tokenMatches(requestToken(req), token)
}

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])

/** Host name of a Host header or an origin URL, lower-case, without port. */
function hostName(value: string): string | null {
  try {
    return new URL(value.includes('://') ? value : `http://${value}`).hostname.toLowerCase()
  } catch {
    return null
  }
}

/** True when `origin` is the panel this bridge serves: http, a local name, and the port the request came in on. */
function isPanelOrigin(origin: string, req: IncomingMessage): boolean {
  try {
    const o = new URL(origin)
    const port = Number(o.port || 80)
    return o.protocol === 'http:' && o.pathname === '/' && LOCAL_NAMES.has(o.hostname.toLowerCase()) && port === req.socket.localPort
  } catch {
    return false
  }
}

/**
 * Guards a loopback bridge against web pages the user happens to visit: a Host header that is not
 * a local name (DNS rebinding) is refused, and so is a browser Origin other than the panel's own
 * (http, a local name, this bridge's port): a page on another local port is another site. Such a
 * page passes only with the token. Clients that send no Origin (DAWs, scripts) pass. Off loopback
 * the token does this job.
 */
export function sameOriginOk(req: IncomingMessage, loopback: boolean, token: string | null): boolean {
  if (!loopback) return true
  const host = req.headers.host ? hostName(req.headers.host) : null
  if (host === null || !LOCAL_NAMES.has(host)) return false
  const origin = req.headers.origin
  if (origin === undefined) return true
  if (isPanelOrigin(origin, req)) return true
  return token !== null && tokenMatches(requestToken(req), token)
}

/**
 * For requests that change something (POST): a browser's Origin, when it sends one, must be this
 * bridge's own origin (same host and port as the Host header), on loopback or not; a page elsewhere
 * cannot switch the bridge's preset even when it knows or guesses a token. Clients that send no
 * Origin (scripts, DAWs) pass.
 */
export function sameOriginPost(req: IncomingMessage): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  if (origin === 'null' || !req.headers.host) return false
  try {
    return new URL(origin).host.toLowerCase() === new URL(`http://${req.headers.host}`).host.toLowerCase()
  } catch {
    return false
  }
}
