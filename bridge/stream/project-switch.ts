/**
 * `emolane stream --project NAME`: asks the bridge to switch projects and confirms the switch took
 * before any audio goes out, so a refused name never streams into (and over) the current project.
 * OSC over UDP has no answer channel, so the bridge's HTTP /health says which project it is on and
 * counts refusals; over WebSocket the bridge's own error message comes back too.
 */
import type { StreamTarget } from './stream-target.js'

/** Where the bridge's HTTP API is, and its token. */
export type BridgeApi = { url: string; token: string | null }

/** What /health says, as far as a switch needs it. */
type Health = { status?: { project?: string }; errors?: Record<string, number> }

/** The HTTP API of the bridge behind a stream target: the same host and port for ws://, `fallbackPort` for udp://. */
export function apiUrlFor(targetUrl: string, fallbackPort: number): string {
  const u = new URL(targetUrl)
  const host = u.hostname.includes(':') && !u.hostname.startsWith('[') ? `[${u.hostname}]` : u.hostname
  if (u.protocol === 'ws:' || u.protocol === 'wss:') return `${u.protocol === 'wss:' ? 'https' : 'http'}://${host}:${u.port || (u.protocol === 'wss:' ? 443 : 80)}`
  return `http://${host}:${fallbackPort}`
}

async function health(api: BridgeApi): Promise<Health> {
  const res = await fetch(`${api.url.replace(/\/$/, '')}/health`, { headers: api.token ? { authorization: `Bearer ${api.token}` } : {} })
  if (!res.ok) throw new Error(`HTTP ${res.status}`)
  return (await res.json()) as Health
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Error codes whose count went up between two /health answers. */
function newErrors(before: Health, after: Health): string[] {
  return Object.entries(after.errors ?? {})
    .filter(([code, n]) => n > (before.errors?.[code] ?? 0))
    .map(([code]) => code)
}

/**
 * Sends /emolane/project and resolves once the bridge says it is on that project; rejects with the
 * bridge's reason when it refuses, and when its API cannot be reached or the switch does not happen
 * within `timeoutMs`.
 */
export async function switchProject(target: StreamTarget, name: string, api: BridgeApi, timeoutMs = 5000): Promise<void> {
  const quoted = JSON.stringify(name)
  let before: Health
  try {
    before = await health(api)
  } catch (err) {
    const reason = ((err as Error).cause as NodeJS.ErrnoException | undefined)?.code ?? (err as Error).message
    throw new Error(`cannot confirm the switch to project ${quoted}: no bridge API at ${api.url} (${reason}); give the bridge's HTTP address with --http`, { cause: err })
  }
  if (before.status?.project === name) return
  const seen = target.errors.length
  await target.send('/emolane/project', [name])
  const deadline = performance.now() + timeoutMs
  let now: Health = before
  for (;;) {
    const refusal = target.errors.slice(seen).find((e) => e.code?.startsWith('project'))
    if (refusal) throw new Error(`the bridge refused project ${quoted}: ${refusal.message}`)
    now = await health(api)
    if (now.status?.project === name) return
    const codes = newErrors(before, now).filter((c) => c.startsWith('project'))
    // over UDP the reason stays in the bridge's log and panel; a WebSocket brings it back (above), so give it a moment
    if (codes.length > 0 && target.url.startsWith('udp:')) throw new Error(`the bridge refused project ${quoted} (${codes.join(', ')}); its log or panel says why`)
    if (performance.now() > deadline) {
      const why = codes.length > 0 ? ` (it reported ${codes.join(', ')})` : ''
      throw new Error(`the bridge did not switch to project ${quoted} within ${timeoutMs / 1000} s${why}; it is still on ${JSON.stringify(now.status?.project)}`)
    }
    await sleep(50)
  }
}
