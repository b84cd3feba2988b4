/**
 * `npm run bench`: live latency, offline throughput, memory and compute of emolane, every figure
 * next to a baseline measured in the same run. Writes bench/results.json and prints a summary.
 * See bench/README.md.
 */
import { mkdirSync, rmSync, statSync, writeFileSync, existsSync, readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { loadSong } from '../bridge/cli/stream-command.js'
import { UsageError } from '../bridge/cli/args.js'
import { listedProviders } from '../bridge/engine/execution-provider.js'
import { encoderContextSeconds } from '../bridge/engine/log-mel.js'
import { loadManifest } from '../bridge/engine/manifest.js'
import { defaultModelDir, packageRoot } from '../bridge/engine/model-dir.js'
import { parseBenchOptions, usage, type BenchOptions } from './bench-options.js'
import { summariseCpuProfiles, type ThreadProfile } from './cpu-profile.js'
import { measureMatMulPeak, nvidiaGpuName, tablePeak, type MeasuredPeak } from './device-peak.js'
import { type GoalInput, judgeGoals } from './goals.js'
import { runLive, type LiveRunOptions, type LiveRunResult } from './live-bench.js'
import { modelCompute, type ModelCompute } from './model-compute.js'
import { runOffline, timeVariantOnce, VARIANTS, type OfflineResult, type VariantRun } from './offline-bench.js'
import { printSummary } from './report.js'
import { cliPath } from './serve-process.js'
import { longSong, loopPlan, seekEditPlan } from './soak-plan.js'
import { ensureBenchSong } from './song.js'
import { runStartup, shown, type StartupResult } from './startup-bench.js'
import { median, ratio, round } from './stats.js'


const log = (line: string): void => console.error(line)

/** The results document (bench/results.json). */
export type BenchResults = {
  schema: 'emolane.bench/1'
  startedAt: string
  finishedAt: string
  wallSeconds: number
  command: string
  machine: Record<string, unknown>
  model: { name: string; version: string; preset: string; trained: boolean }
  song: { seconds: number; lyricLines: number; parts: number }
  peak: { cpu: MeasuredPeak[]; cpuBest: number; device: MeasuredPeak | null; deviceTable: { name: string; flops: number } | null }
  /** Whole processes (spawn to exit) against a baseline in the same run. */
  startup: StartupResult | null
  offline: (OfflineResult & { gpuVsCpu: VariantRun | null; gpuBatch64: VariantRun | null }) | null
  compute: (ModelCompute & { utilisation: Record<string, number | null> }) | null
  live: { runs: LiveRunResult[]; summary: Record<string, RunSummary>; ratios: Record<string, number | null> } | null
  stall: { runs: LiveRunResult[]; ratios: Record<string, number | null> } | null
  soak: LiveRunResult | null
  soak60: LiveRunResult | null
  profile: { run: string; threads: ThreadProfile[] } | null
  panel: Record<string, unknown> | null
  goals: ReturnType<typeof judgeGoals>
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage)
    return 0
  }
  let o: BenchOptions
  try {
    o = parseBenchOptions(argv)
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`bench: ${err.message}\n\n${usage}`)
      return 2
    }
    throw err
  }
  if (!existsSync(cliPath())) throw new Error(`${cliPath()} is missing: build first (npm run bench builds, or node esbuild.config.mjs)`)
  const root = packageRoot()
  const outDir = join(root, 'bench', 'out')
  mkdirSync(outDir, { recursive: true })
  const started = new Date()
  const t0 = performance.now()
  const modelDir = defaultModelDir()
  const manifest = await loadManifest(modelDir)
  const gpuName = nvidiaGpuName()
  log(`emolane bench: ${[...o.parts].join(', ')} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'})${gpuName ? `, GPU ${gpuName}` : ''}; device ${o.device}; load average ${loadavg()[0]!.toFixed(1)}`)
  if (!manifest.trained) log('emolane bench: the model is an untrained export; its speed is that of the trained one (same graphs and sizes)')

  const song = await ensureBenchSong(outDir)
  log(`emolane bench: song ${song.duration.toFixed(0)} s, ${song.lyricLines} lyric lines (${song.rendered ? 'rendered now' : 'cached'} in bench/out/)`)

  // peaks: the CPU's attainable MatMul rate, and the GPU's where one is asked for
  log('emolane bench: measuring the MatMul peak')
  const cpuPeaks = [await measureMatMulPeak('cpu', { threads: 1 }), await measureMatMulPeak('cpu')]
  const cpuBest = Math.max(...cpuPeaks.map((p) => p.flops))
  let devicePeak: MeasuredPeak | null = null
  if (o.device !== 'cpu' && o.device !== 'auto') {
    devicePeak = await measureMatMulPeak(o.device).catch((err) => {
      log(`emolane bench: no MatMul on ${o.device}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`)
      return null
    })
  }

  const results: BenchResults = {
    schema: 'emolane.bench/1',
    startedAt: started.toISOString(),
    finishedAt: '',
    wallSeconds: 0,
    command: `node dist/bench.js ${argv.map(shown).join(' ')}`.trim(),
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      onnxruntime: readPackageVersion(root, 'onnxruntime-node'),
      providers: await listedProviders(),
      gpu: gpuName,
      loadAverageStart: round(loadavg()[0]!, 2),
    },
    model: { name: manifest.name, version: manifest.version, preset: manifest.preset, trained: manifest.trained },
    song: { seconds: round(song.duration, 1), lyricLines: song.lyricLines, parts: 11 },
    peak: { cpu: cpuPeaks, cpuBest, device: devicePeak, deviceTable: tablePeak(gpuName) },
    startup: null,
    offline: null,
    compute: null,
    live: null,
    stall: null,
    soak: null,
    soak60: null,
    profile: null,
    panel: readPanelBench(root),
    goals: [],
  }

  if (o.parts.has('startup')) {
    log('emolane bench: start-up and whole-process runs (fresh emolane processes)')
    results.startup = await runStartup(song, outDir, { baselineCli: o.baselineCli ? resolve(o.baselineCli) : null, runs: o.startupRuns, device: o.device }, log)
  }

  if (o.parts.has('offline') || o.parts.has('compute')) {
    log('emolane bench: offline')
    const off = await runOffline(song, o.device, log)
    let gpuVsCpu: VariantRun | null = null
    let gpuBatch64: VariantRun | null = null
    if (off.device !== 'cpu') {
      // on a GPU: the same analysis on the CPU (the baseline), and larger batches (GPUs like them)
      const { decodeAudioFile } = await import('../bridge/audio/decode.js')
      const pcm = (await decodeAudioFile(song.wav, { sampleRate: 16_000 })).pcm
      log('  offline: optimised on the CPU, for the GPU/CPU ratio')
      gpuVsCpu = await timeVariantOnce(song, pcm, VARIANTS[0]!, 'cpu')
      log(`  offline: batches of 64 on ${off.device}`)
      gpuBatch64 = await timeVariantOnce(song, pcm, { ...VARIANTS[0]!, name: 'batch-64', description: 'optimised with batches of 64', model: { batchSize: 64 } }, off.device)
    }
    results.offline = { ...off, gpuVsCpu, gpuBatch64 }
    if (off.device !== 'cpu' && !devicePeak) {
      // --device auto found a GPU: its MatMul peak too
      devicePeak = await measureMatMulPeak(off.device).catch(() => null)
      results.peak.device = devicePeak
    }
  }

  if (o.parts.has('compute') && results.offline) {
    log('emolane bench: counting FLOPs and timing operators')
    const off = results.offline
    const c = await modelCompute(modelDir, manifest, { tokens: off.meanContextTokens, contextsPerSecond: off.distinctContexts / off.songSeconds, songStates: Math.ceil(off.songSeconds * 2) })
    // the peak of the provider that ran: measured on it, else the vendor's figure for a GPU
    const peak = off.device === 'cpu' ? cpuBest : (devicePeak?.flops ?? results.peak.deviceTable?.flops ?? NaN)
    const s = off.stagesMs
    const modelSeconds = ((s['audio encoder'] ?? 0) + (s['text encoder'] ?? 0) + (s.fusion ?? 0)) / 1000
    results.compute = {
      ...c,
      utilisation: {
        peakFlops: peak,
        tablePeakFlops: results.peak.deviceTable?.flops ?? null,
        offlineFlopsPerSecond: round(c.perAudioSecond.optimised * off.warm.newSongXRealTime, 0),
        offlineOfPeak: ratio(c.perAudioSecond.optimised * off.warm.newSongXRealTime, peak, 4),
        modelStagesOfPeak: modelSeconds > 0 ? ratio((c.perAudioSecond.optimised * off.songSeconds) / modelSeconds, peak, 4) : null,
        offlineOfTablePeak: results.peak.deviceTable && off.device !== 'cpu' ? ratio(c.perAudioSecond.optimised * off.warm.newSongXRealTime, results.peak.deviceTable.flops, 5) : null,
      },
    }
  }

  const dataDir = join(outDir, `data-${process.pid}`)
  const session = o.parts.has('live') || o.parts.has('stall') || o.parts.has('soak') || o.parts.has('soak60') || o.parts.has('profile') ? await loadSong(song.wav, { rate: 48_000, lyrics: song.lrc, sections: song.sections }) : null
  const live = (opts: Omit<LiveRunOptions, 'dataDir' | 'device' | 'windowSeconds' | 'hopSeconds' | 'blockMs' | 'log'>): Promise<LiveRunResult> =>
    runLive({ ...opts, dataDir, device: o.device, windowSeconds: manifest.audio.window_seconds, lookaheadSeconds: encoderContextSeconds(manifest.audio), hopSeconds: 0.5, blockMs: o.blockMs, log })
  try {
    if (session) {
      const duration = session.pcm.length / session.sampleRate
      const base = { pcm: session.pcm, sampleRate: session.sampleRate, lyrics: session.lyrics, sections: session.sections, tempo: null }
      if (o.parts.has('live')) {
        const runs: LiveRunResult[] = []
        const until1x = o.liveSeconds1x ?? duration
        log(`emolane bench: live 1x, ${until1x.toFixed(0)} s of song into emolane serve`)
        runs.push(await live({ label: '1x', speed: 1, session: { ...base, segments: [{ from: 0, until: until1x }] } }))
        // the 8x runs and their baselines, interleaved and repeated: on a shared machine one run says little
        const variants8x = [
          { label: '8x', serveArgs: [] as string[], what: 'the whole song' },
          { label: '8x-no-persist', serveArgs: ['--no-persist'], what: 'baseline without writing the project to disk (--no-persist)' },
          { label: '8x-unbatched', serveArgs: ['--batch', '1'], what: 'baseline with one window per model run (--batch 1)' },
        ]
        for (let rep = 1; rep <= o.repeats8x; rep++) {
          for (const v of variants8x) {
            log(`emolane bench: live ${v.label}, ${v.what} (${rep}/${o.repeats8x})`)
            runs.push({ ...(await live({ label: v.label, speed: 8, serveArgs: v.serveArgs, session: { ...base, segments: [{ from: 0, until: duration }] } })), rep })
          }
        }
        const summary = Object.fromEntries(['1x', ...variants8x.map((v) => v.label)].map((label) => [label, summariseRuns(runs.filter((r) => r.label === label))]))
        const s1 = summary['1x']!
        const s8 = summary['8x']!
        const bare = results.offline?.perWindowMs.modelBatch1 ?? null
        results.live = {
          runs,
          summary,
          ratios: {
            'p50 1x / bare model call (same run)': ratio(s1.p50, bare),
            'p95 1x / hop (0.5 s)': ratio(s1.p95, 500, 3),
            'p95 8x / hop at 8x (62.5 ms)': ratio(s8.p95, 62.5, 3),
            'p95 8x unbatched / batched': ratio(summary['8x-unbatched']!.p95, s8.p95),
            'p95 8x persisted / not persisted': ratio(s8.p95, summary['8x-no-persist']!.p95),
            'CPU per song second 8x unbatched / batched': ratio(summary['8x-unbatched']!.cpuPerSongSecond, s8.cpuPerSongSecond),
            'CPU per song second 1x / 8x': ratio(s1.cpuPerSongSecond, s8.cpuPerSongSecond),
            'peak RSS / RSS after model load (8x)': ratio(s8.peakMB, s8.loadedMB),
          },
        }
      }
      if (o.parts.has('stall')) {
        // a long song without DAW sections: the bridge finds sections from all of it as it grows
        const long = longSong(base, o.stallMinutes * 60)
        const variants = [
          { label: `stall-${o.stallMinutes}min-8x`, serveArgs: [] as string[], cli: undefined as string | undefined, what: 'model and analysis on their own threads (default)' },
          { label: `stall-${o.stallMinutes}min-8x-main-thread`, serveArgs: ['--model-thread', 'main', '--analysis-thread', 'main'], cli: undefined, what: 'baseline: model and analysis on the main thread (same build)' },
          ...(o.baselineCli ? [{ label: `stall-${o.stallMinutes}min-8x-before`, serveArgs: [] as string[], cli: resolve(o.baselineCli), what: `baseline: the build at ${o.baselineCli}` }] : []),
        ]
        const runs: LiveRunResult[] = []
        for (const v of variants) {
          log(`emolane bench: stall, ${o.stallMinutes} minutes of song at 8x without DAW sections, ${v.what}`)
          runs.push(await live({ label: v.label, speed: 8, serveArgs: v.serveArgs, cli: v.cli, session: long }))
        }
        const loop = (label: string) => runs.find((r) => r.label === label)?.eventLoop ?? null
        const [now, main, before] = variants.map((v) => loop(v.label))
        results.stall = {
          runs,
          ratios: {
            'longest main-thread stall, main thread / own threads': ratio(main?.maxMs, now?.maxMs),
            'event-loop delay p99, main thread / own threads': ratio(main?.p99Ms, now?.p99Ms),
            'longest main-thread stall, before / now': ratio(before?.maxMs, now?.maxMs),
            'event-loop delay p99, before / now': ratio(before?.p99Ms, now?.p99Ms),
            'latency p95 8x, before / now': ratio(runs[2]?.latencyMs.complete.p95, runs[0]?.latencyMs.complete.p95),
          },
        }
      }
      if (o.parts.has('soak')) {
        const total = o.soakMinutes * 60
        log(`emolane bench: soak, ${o.soakMinutes} minutes of song at 8x (the song looped), about ${Math.round(total / 8 / 60)} minutes`)
        results.soak = await live({ label: `soak-${o.soakMinutes}min-8x`, speed: 8, keepSeries: true, steadyAfterSongS: duration, session: { ...base, segments: loopPlan(duration, total) } })
      }
      if (o.parts.has('soak60')) {
        const total = o.soak60Minutes * 60
        const plan = seekEditPlan(duration, session.lyrics, total)
        log(`emolane bench: soak, ${o.soak60Minutes} minutes of song at 8x with ${plan.segments.length - 1} seeks and ${plan.edits.length} lyric edits, about ${Math.round(total / 8 / 60)} minutes`)
        results.soak60 = await live({ label: `soak-${o.soak60Minutes}min-8x-seeks-edits`, speed: 8, keepSeries: true, steadyAfterSongS: duration, session: { ...base, ...plan } })
      }
      if (o.parts.has('profile')) {
        const profDir = join(outDir, 'profile')
        rmSync(profDir, { recursive: true, force: true })
        mkdirSync(profDir, { recursive: true })
        log('emolane bench: profiling the bridge at 8x (node --cpu-prof)')
        await live({ label: 'profile-8x', speed: 8, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profDir], session: { ...base, segments: [{ from: 0, until: duration }] } })
        results.profile = { run: '8x, whole song, the bridge\'s JavaScript threads (main and workers)', threads: summariseCpuProfiles(profDir, root) }
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }

  const off = results.offline
  results.goals = judgeGoals({
    live1x: results.live?.summary['1x'] ?? null,
    live8x: results.live?.summary['8x'] ?? null,
    liveRuns: results.live?.runs ?? [],
    offline: off ? { device: off.device, xRealTime: off.warm.newSongXRealTime, ms: off.warm.newSongMs, songSeconds: off.songSeconds } : null,
    soak: results.soak,
    soak60: results.soak60,
    startup: startupGoals(results.startup),
  })
  results.machine.loadAverageEnd = round(loadavg()[0]!, 2)
  results.finishedAt = new Date().toISOString()
  results.wallSeconds = round((performance.now() - t0) / 1000, 1)
  const out = resolve(root, o.out)
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`)
  printSummary(results)
  log(`emolane bench: wrote ${out} (${results.wallSeconds.toFixed(0)} s)`)
  return 0
}

/** Median figures over the repeats of one kind of live run. */
export type RunSummary = { runs: number; p50: number | null; p95: number | null; p99: number | null; keepsUp: boolean; cpuPerSongSecond: number | null; cores: number | null; peakMB: number | null; loadedMB: number | null }

function summariseRuns(runs: LiveRunResult[]): RunSummary {
  const med = (f: (r: LiveRunResult) => number | null): number | null => {
    const v = median(runs.map(f).filter((x): x is number => x !== null && Number.isFinite(x)))
    return v === null ? null : round(v, 3)
  }
  return {
    runs: runs.length,
    p50: med((r) => r.latencyMs.complete.p50),
    p95: med((r) => r.latencyMs.complete.p95),
    p99: med((r) => r.latencyMs.complete.p99),
    keepsUp: runs.length > 0 && runs.every((r) => r.keepingUp.keepsUp),
    cpuPerSongSecond: med((r) => r.cpu.perSongSecond),
    cores: med((r) => r.cpu.cores),
    peakMB: runs.length ? Math.max(...runs.map((r) => r.memory.peakMB)) : null,
    loadedMB: med((r) => r.memory.loadedMB),
  }
}

function readPackageVersion(root: string, name: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return null
  }
}

/** The panel's frame-rate bench (npm run bench:panel) where it has been run: its report and when. */
function readPanelBench(root: string): Record<string, unknown> | null {
  const file = join(root, 'test-artifacts', 'panel-frame-rate.json')
  try {
    return { source: 'npm run bench:panel (not rerun by this bench)', measuredAt: statSync(file).mtime.toISOString(), ...(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) }
  } catch {
    return null
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
    process.exit(1)
  },
)

/** The start-up figures the goals are judged from. */
function startupGoals(s: StartupResult | null): GoalInput['startup'] {
  if (!s) return null
  const one = s.cases.find((c) => c.name === 'analyze 1 s')
  // the issue's case: a 44.1 kHz bounce (the 16 kHz render skips the resampling)
  const song = s.cases.find((c) => c.name === 'analyze 44.1 kHz song with lyrics')
  return { oneSecondMs: one?.wallMs.median ?? null, songMs: song?.wallMs.median ?? null, songXRealTime: song?.xRealTime ?? null, songPeakMB: song?.peakRssMB.median ?? null }
}
