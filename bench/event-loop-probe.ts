/**
 * How long the bridge's main thread stalls: a module preloaded into the `emolane serve` child
 * (`node --import`) that watches its event loop with perf_hooks.monitorEventLoopDelay (10 ms
 * resolution) and its own 10 ms timer (the longest gaps, and how many exceed 50 and 100 ms), and
 * writes the figures to a file four times a second. SIGUSR2 starts them afresh (the bench sends
 * it as play starts, so loading the model does not count). Works for any build of the bridge.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { round } from './stats.js'

/** The preloaded module, as source: plain JavaScript, so that any build of the CLI can load it. */
const PROBE_SOURCE = `
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { writeFileSync } from 'node:fs'
const file = process.env.EMOLANE_LOOP_PROBE
if (file) {
  const h = monitorEventLoopDelay({ resolution: 10 })
  h.enable()
  let gaps = { max: 0, over50: 0, over100: 0, over250: 0, since: Date.now() }
  let last = performance.now()
  const tick = setInterval(() => {
    const now = performance.now()
    const stall = now - last - 10
    last = now
    if (stall > gaps.max) gaps.max = stall
    if (stall > 50) gaps.over50++
    if (stall > 100) gaps.over100++
    if (stall > 250) gaps.over250++
  }, 10)
  tick.unref()
  const ms = (ns) => ns / 1e6
  const write = () => {
    try {
      writeFileSync(file, JSON.stringify({
        seconds: (Date.now() - gaps.since) / 1000,
        maxMs: ms(h.max), p99Ms: ms(h.percentile(99)), p999Ms: ms(h.percentile(99.9)), meanMs: ms(h.mean),
        longestGapMs: gaps.max, stallsOver50ms: gaps.over50, stallsOver100ms: gaps.over100, stallsOver250ms: gaps.over250,
      }))
    } catch {}
  }
  const timer = setInterval(write, 250)
  timer.unref()
  process.on('SIGUSR2', () => {
    h.reset()
    gaps = { max: 0, over50: 0, over100: 0, over250: 0, since: Date.now() }
    last = performance.now()
    write()
  })
  process.on('exit', write)
}
`

/** What the probe measured over a run: event-loop delay (max, p99, p99.9, mean) and stalls of the 10 ms timer. */
export type EventLoopStalls = {
  seconds: number
  maxMs: number
  p99Ms: number
  p999Ms: number
  meanMs: number
  longestGapMs: number
  stallsOver50ms: number
  stallsOver100ms: number
  stallsOver250ms: number
}

/** Writes the probe into `dir`; returns the node arguments and environment that load it, reporting into `out`. */
export function probeArgs(dir: string, out: string): { nodeArgs: string[]; env: Record<string, string> } {
  const file = join(dir, 'event-loop-probe.mjs')
  writeFileSync(file, PROBE_SOURCE)
  return { nodeArgs: ['--import', pathToFileURL(file).href], env: { EMOLANE_LOOP_PROBE: out } }
}

/** The probe's last report, rounded; null when it wrote none. */
export function readProbe(out: string): EventLoopStalls | null {
  try {
    const raw = JSON.parse(readFileSync(out, 'utf8')) as EventLoopStalls
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, round(v as number, 1)])) as EventLoopStalls
  } catch {
    return null
  }
}
