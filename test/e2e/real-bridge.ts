/** Starts the real bridge (`node dist/cli.js serve`) and feeds it (`node dist/cli.js stream`) for end-to-end tests. */
import { spawn, type ChildProcess } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'

/** A free TCP port on 127.0.0.1. */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

/** A free UDP port on 127.0.0.1. */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4')
    s.once('error', reject)
    s.bind(0, '127.0.0.1', () => {
      const port = s.address().port
      s.close(() => resolve(port))
    })
  })
}

/** A running `emolane serve`; `log` holds what it printed. */
export type ServeProcess = { child: ChildProcess; log: string[]; url: string; stop(signal?: NodeJS.Signals): Promise<void> }

/** Starts `emolane serve` and resolves once /health answers. */
export async function startServe(opts: { httpPort: number; oscPort: number; dataDir: string; extra?: string[] }): Promise<ServeProcess> {
  const args = ['dist/cli.js', 'serve', '--http-port', String(opts.httpPort), '--osc-port', String(opts.oscPort), '--data-dir', opts.dataDir, ...(opts.extra ?? [])]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const log: string[] = []
  child.stdout!.on('data', (d: Buffer) => log.push(d.toString()))
  child.stderr!.on('data', (d: Buffer) => log.push(d.toString()))
  const url = `http://127.0.0.1:${opts.httpPort}/`
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`emolane serve exited with ${child.exitCode} before answering:\n${log.join('')}`)
    try {
      const res = await fetch(`${url}health`)
      if (res.ok) break
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`emolane serve did not answer /health within 60 s:\n${log.join('')}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  return {
    child,
    log,
    url,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      await exited
    },
  }
}

/** Runs `emolane stream` to completion; rejects with its output when it fails. */
export function runStream(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/cli.js', 'stream', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`emolane stream exited with ${code}:\n${out}`))))
  })
}
