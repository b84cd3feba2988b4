/** A real `emolane serve` child process on free ports, as a user starts it; stopped with SIGTERM. */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { BRIDGE_NODE_FLAGS } from '../bridge/cli/node-flags.js'

/** Options of the child bridge. */
export type ServeOptions = {
  /** Folder for projects (persistence on, as by default) */
  dataDir: string
  /** Project name, one per run so that runs do not see each other's timeline */
  project: string
  /** --device, default auto */
  device?: string
  /** Extra command-line arguments, e.g. ['--batch', '1'] */
  args?: string[]
  /** Node options before the script, e.g. ['--cpu-prof', '--cpu-prof-dir', dir] */
  nodeArgs?: string[]
  /** The CLI script to run, default dist/cli.js beside this bundle (another build to compare against) */
  cli?: string
  /** Longest wait for the bridge to listen, default 180000 ms (model load on a busy machine) */
  startTimeoutMs?: number
  /** Extra environment variables for the child */
  env?: Record<string, string>
}

const defaults = { device: 'auto', args: [] as string[], nodeArgs: [] as string[], startTimeoutMs: 180_000 }

/** The CLI next to this bundle (dist/cli.js beside dist/bench.js). */
export function cliPath(): string {
  return fileURLToPath(new URL('./cli.js', import.meta.url))
}

/** A started bridge. */
export type ServeProcess = {
  child: ChildProcess
  pid: number
  /** http://127.0.0.1:PORT */
  httpUrl: string
  /** UDP port for OSC */
  oscPort: number
  /** Wall time from spawn to listening (Node start + model load + sockets), ms */
  startMs: number
  /** What the bridge said on stderr (its description line names the provider it runs on). */
  stderr: () => string
  stop: () => Promise<void>
}

/** Spawns `emolane serve` and resolves once it prints its panel URL and OSC port. */
export async function startServe(options: ServeOptions): Promise<ServeProcess> {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as ServeOptions
  const o = { ...defaults, ...defined }
  // as `emolane serve` runs from its shebang (bridge/cli/node-flags.ts)
  const argv = [...BRIDGE_NODE_FLAGS, ...o.nodeArgs, o.cli ?? cliPath(), 'serve', '--http-port', '0', '--osc-port', '0', '--data-dir', o.dataDir, '--project', o.project, '--device', o.device, '--quiet', ...o.args]
  const started = performance.now()
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...o.env } })
  let text = ''
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (chunk: string) => {
    text += chunk
    if (text.length > 1 << 20) text = text.slice(-(1 << 19))
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const ready = await new Promise<{ httpUrl: string; oscPort: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`emolane serve did not start within ${o.startTimeoutMs} ms; it said: ${text.slice(-2000)}`))
    }, o.startTimeoutMs)
    const check = (): void => {
      const http = /panel\s+(http:\/\/[^/\s]+)/.exec(text)
      const osc = /OSC\s+udp:\/\/[^\s]*:(\d+)/.exec(text)
      if (http && osc) {
        clearTimeout(timer)
        child.stderr!.off('data', check)
        resolve({ httpUrl: http[1]!, oscPort: Number(osc[1]) })
      }
    }
    child.stderr!.on('data', check)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`emolane serve exited with code ${code} before listening; it said: ${text.slice(-2000)}`))
    })
  })
  const startMs = performance.now() - started
  return {
    child,
    pid: child.pid!,
    ...ready,
    startMs,
    stderr: () => text,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** GET /health of a bridge (status, memory, errors). */
export async function health(httpUrl: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${httpUrl}/health`)
  if (!res.ok) throw new Error(`GET ${httpUrl}/health answered HTTP ${res.status}`)
  return (await res.json()) as Record<string, unknown>
}
