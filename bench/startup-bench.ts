/**
 * Whole-process figures, as a user runs the CLI: `--help`, `--version`, `analyze` of a 1 s WAV and of the
 * bench song with its lyrics, each a fresh `node dist/cli.js` from spawn to exit, with its peak RSS.
 * Every command runs interleaved with a baseline in the same run: another build's CLI (--baseline-cli,
 * e.g. the build before the start-up work), else this build with its model-file check switched to
 * hashing every file (EMOLANE_VERIFY_MODEL=always, the behaviour before the check was remembered).
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { isAbsolute, join, relative } from 'node:path'
import { packageRoot } from '../bridge/engine/model-dir.js'
import { sampleProcess } from './proc-stats.js'
import { cliPath } from './serve-process.js'
import { wavFile } from '../test/bridge/watch/wav-writer.js'
import type { BenchSong } from './song.js'
import { median, ratio, round } from './stats.js'

/** One command's runs, this build and the baseline. */
export type StartupCase = {
  name: string
  args: string[]
  /** Seconds of audio analysed (null for --help / --version). */
  audioSeconds: number | null
  wallMs: { runs: number[]; median: number | null; baselineRuns: number[]; baselineMedian: number | null }
  peakRssMB: { median: number | null; baselineMedian: number | null }
  /** audio seconds per wall second, whole process (null without audio). */
  xRealTime: number | null
  /** baseline / this build: > 1 means this build is faster or smaller. */
  ratios: { wall: number | null; peakRss: number | null }
}

/** The start-up part of the results. */
export type StartupResult = { baseline: string; runsEach: number; cases: StartupCase[] }

/** Runs `node <cli> ...args` to exit; wall ms and peak RSS (VmHWM, polled every 5 ms), or throws on a non-zero exit. */
function timeProcess(cli: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; peakMB: number | null }> {
  return new Promise((resolve, reject) => {
    const t = performance.now()
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    let peak: number | null = null
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const poll = setInterval(() => {
      const s = child.pid ? sampleProcess(child.pid) : null
      // an exiting process (a zombie) has no memory lines: NaN, skipped
      if (s && Number.isFinite(s.peakRss)) peak = Math.max(peak ?? 0, s.peakRss)
    }, 5)
    child.on('error', reject)
    child.on('exit', (code) => {
      const ms = performance.now() - t
      clearInterval(poll)
      if (code !== 0) reject(new Error(`${cli} ${args.join(' ')} exited ${code}: ${stderr.trim().split('\n').slice(-2).join(' ')}`))
      else resolve({ ms, peakMB: peak === null ? null : round(peak, 1) })
    })
  })
}

/** A path as the results file records it: relative to the package, so the file names no machine's folders. */
export const shown = (arg: string): string => (isAbsolute(arg) ? relative(packageRoot(), arg) : arg)

/** Measures each command `runs` times, interleaved with the baseline. */
export async function runStartup(song: BenchSong, outDir: string, o: { baselineCli: string | null; runs: number; device: string }, log: (line: string) => void = () => {}): Promise<StartupResult> {
  const oneSecond = join(outDir, 'one-second.wav')
  writeFileSync(oneSecond, wavFile(1, 44_100, 220)) // 1 s at 44.1 kHz, as a short bounce
  const out = join(outDir, 'startup.json')
  const cases: { name: string; args: string[]; audioSeconds: number | null }[] = [
    { name: 'help', args: ['--help'], audioSeconds: null },
    { name: 'version', args: ['--version'], audioSeconds: null },
    { name: 'analyze 1 s', args: ['analyze', oneSecond, '--device', o.device, '--quiet', '--out', out], audioSeconds: 1 },
    { name: 'analyze song with lyrics', args: ['analyze', song.wav, '--lyrics', song.lrc, '--device', o.device, '--quiet', '--out', out], audioSeconds: song.duration },
    // the case: a 44.1 kHz stereo bounce, decoded and resampled inside the process
    { name: 'analyze 44.1 kHz song with lyrics', args: ['analyze', song.wav44, '--lyrics', song.lrc, '--device', o.device, '--quiet', '--out', out], audioSeconds: song.duration },
  ]
  const base = o.baselineCli
  const baseEnv = base ? process.env : { ...process.env, EMOLANE_VERIFY_MODEL: 'always' }
  const baseline = base ? `another build: ${shown(base)}` : 'this build hashing every model file (EMOLANE_VERIFY_MODEL=always)'
  // one unmeasured run first, so the record of checked model files exists as after any first use
  await timeProcess(cliPath(), cases[2]!.args, process.env)
  const results: StartupCase[] = []
  for (const c of cases) {
    // the old CLI has no --version: it is measured on this build only
    const hasBaseline = !(base && c.name === 'version')
    log(`  startup: ${c.name} x${o.runs}, interleaved with the baseline`)
    const mine: { ms: number; peakMB: number | null }[] = []
    const theirs: { ms: number; peakMB: number | null }[] = []
    for (let i = 0; i < o.runs; i++) {
      mine.push(await timeProcess(cliPath(), c.args, process.env))
      if (hasBaseline) theirs.push(await timeProcess(base ?? cliPath(), c.args, baseEnv))
    }
    const med = (xs: (number | null)[]): number | null => median(xs.filter((x): x is number => x !== null))
    const wall = med(mine.map((r) => r.ms))
    const baseWall = med(theirs.map((r) => r.ms))
    const rss = med(mine.map((r) => r.peakMB))
    const baseRss = med(theirs.map((r) => r.peakMB))
    results.push({
      ...c,
      args: c.args.map(shown),
      wallMs: { runs: mine.map((r) => Math.round(r.ms)), median: wall === null ? null : Math.round(wall), baselineRuns: theirs.map((r) => Math.round(r.ms)), baselineMedian: baseWall === null ? null : Math.round(baseWall) },
      peakRssMB: { median: rss, baselineMedian: baseRss },
      xRealTime: c.audioSeconds && wall ? round(c.audioSeconds / (wall / 1000), 1) : null,
      ratios: { wall: ratio(baseWall, wall), peakRss: ratio(baseRss, rss) },
    })
  }
  return { baseline, runsEach: o.runs, cases: results }
}
