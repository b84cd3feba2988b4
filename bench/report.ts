/** The bench's summary on stdout: the figures a reader compares, with their same-run baselines and the goals. */
import type { BenchResults } from './bench.js'
import type { LiveRunResult } from './live-bench.js'

const n = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits))
const g = (flops: number | null | undefined): string => (flops ? `${(flops / 1e9).toFixed(2)} GFLOP` : '-')
const pad = (s: string, w: number): string => s.padEnd(w)
const lpad = (s: string, w: number): string => s.padStart(w)

function liveRow(r: LiveRunResult): string {
  const l = r.latencyMs.complete
  const k = r.keepingUp
  return [
    pad(r.label, 34),
    lpad(n(l.p50), 7),
    lpad(n(l.p95), 7),
    lpad(n(l.p99), 7),
    lpad(String(l.count), 6),
    lpad(k.keepsUp ? 'yes' : 'no', 6),
    lpad(String(k.maxPending), 5),
    lpad(n(r.cpu.cores, 2), 6),
    lpad(n(r.cpu.machineBusy !== null ? r.cpu.machineBusy * 100 : null, 0) + '%', 6),
    lpad(n(r.cpu.waitingForCpu?.main !== null && r.cpu.waitingForCpu?.main !== undefined ? r.cpu.waitingForCpu.main * 1000 : null, 0), 6),
    lpad(n(r.memory.peakMB, 0), 6),
    lpad(r.memory.drift.change === null ? '-' : `${(r.memory.drift.change * 100).toFixed(1)}%`, 7),
    lpad(r.latencyMs.quiet ? `${n(r.latencyMs.quiet.p95)} (${n(r.latencyMs.quiet.share * 100, 0)}%)` : '-', 14),
  ].join(' ')
}

/** Prints the summary of a results document. */
export function printSummary(r: BenchResults): void {
  const out: string[] = []
  const m = r.machine
  out.push(`emolane bench, ${r.startedAt} (${r.wallSeconds.toFixed(0)} s): ${m.cores} cores ${m.cpu}, node ${m.node}, onnxruntime-node ${m.onnxruntime}${m.gpu ? `, GPU ${m.gpu}` : ', no GPU'}`)
  out.push(`model ${r.model.name} ${r.model.version} (${r.model.preset})${r.model.trained ? '' : ', UNTRAINED export (same graphs and speed as the trained one)'}; song ${r.song.seconds} s with ${r.song.lyricLines} lyric lines; load average ${m.loadAverageStart} -> ${m.loadAverageEnd}`)
  const st = r.startup
  if (st) {
    out.push('', `Whole processes (spawn to exit, median of ${st.runsEach}); baseline: ${st.baseline}`)
    out.push(`  ${pad('command', 26)} ${lpad('wall s', 7)} ${lpad('base s', 7)} ${lpad('x', 5)} ${lpad('RSS MB', 7)} ${lpad('base MB', 8)} ${lpad('x', 5)} ${lpad('x real', 7)}`)
    for (const c of st.cases) {
      const s = (ms: number | null): string => n(ms === null ? null : ms / 1000, 2)
      out.push(`  ${pad(c.name, 26)} ${lpad(s(c.wallMs.median), 7)} ${lpad(s(c.wallMs.baselineMedian), 7)} ${lpad(n(c.ratios.wall, 2), 5)} ${lpad(n(c.peakRssMB.median, 0), 7)} ${lpad(n(c.peakRssMB.baselineMedian, 0), 8)} ${lpad(n(c.ratios.peakRss, 2), 5)} ${lpad(n(c.xRealTime), 7)}`)
    }
  }
  const o = r.offline
  if (o) {
    out.push('', `Offline: emolane analyze of the ${o.songSeconds.toFixed(0)} s song on ${o.device}`)
    out.push(`  cold start, new process        ${lpad(n(o.cold.medianMs / 1000, 2), 6)} s  ${lpad(n(o.cold.xRealTime), 6)}x real time`)
    out.push(`  warm, new song (model loaded)  ${lpad(n(o.warm.newSongMs / 1000, 2), 6)} s  ${lpad(n(o.warm.newSongXRealTime), 6)}x`)
    out.push(`  warm, same song again          ${lpad(n(o.warm.repeatMs / 1000, 2), 6)} s  ${lpad(n(o.warm.repeatXRealTime), 6)}x   (model load ${o.warm.loadMs} ms)`)
    out.push(`  optimised path is faster than (variant time / optimised time, same run):`)
    for (const [name, x] of Object.entries(o.speedups)) out.push(`    ${pad(name, 22)} ${lpad(n(x, 2), 6)}x`)
    const opt = o.runs.filter((v) => v.variant === 'optimised').map((v) => v.seconds)
    out.push(`    (optimised runs: ${opt.map((s) => s.toFixed(2)).join(', ')} s)`)
    if (o.gpuVsCpu) out.push(`  ${o.device} vs CPU, optimised: ${n(o.gpuVsCpu.seconds / (o.warm.newSongMs / 1000), 2)}x faster (CPU ${n(o.gpuVsCpu.xRealTime)}x real time)`)
    if (o.gpuBatch64) out.push(`  ${o.device} with batches of 64: ${n(o.gpuBatch64.xRealTime)}x real time`)
    out.push(`  where the time goes (optimised path, ms): ${Object.entries(o.stagesMs).map(([k, v]) => `${k} ${n(v, 0)}`).join(', ')}`)
    out.push(`  per window (live path): log-mel ${o.perWindowMs.logMel} ms, model ${o.perWindowMs.modelBatch1} ms alone / ${o.perWindowMs.modelBatch8PerWindow} ms in a batch of 8, fusion only ${o.perWindowMs.fusionOnlyBatch1} ms`)
  }
  const c = r.compute
  if (c) {
    const u = c.utilisation
    out.push('', 'Compute (FLOPs counted from the ONNX graphs at the song\'s shapes)')
    out.push(`  per second of audio: optimised ${g(c.perAudioSecond.optimised)}, per-window path ${g(c.perAudioSecond.perWindow)}, naive ${g(c.perAudioSecond.naive)}`)
    out.push(`  per call: audio encoder/window ${g(c.graphs.audioWindow)}, fusion/window ${g(c.graphs.fusionWindow)}, text encoder/context ${g(c.graphs.textContext)}`)
    out.push(`  peak: measured MatMul ${n((u.peakFlops ?? 0) / 1e9)} GFLOP/s${u.tablePeakFlops ? `, vendor ${n(u.tablePeakFlops / 1e12)} TFLOP/s` : ''}; offline uses ${n((u.offlineFlopsPerSecond ?? 0) / 1e9, 2)} GFLOP/s = ${n((u.offlineOfPeak ?? 0) * 100)} % of it (model stages alone ${n((u.modelStagesOfPeak ?? 0) * 100)} %)`)
    out.push(`  CPU time by operator (ms per call): audio window ${c.cpuTimeByOp.audioWindow.map((x) => `${x.op} ${x.ms}`).join(', ')}; fusion ${c.cpuTimeByOp.fusionWindow.slice(0, 3).map((x) => `${x.op} ${x.ms}`).join(', ')}`)
  }
  const runs = [...(r.live?.runs ?? []), r.soak, r.soak60].filter((x): x is LiveRunResult => x !== null)
  if (runs.length) {
    out.push('', `Live: emolane serve child, song over OSC/UDP in 50 ms blocks, latency from audio to frame on /ws (ms)`)
    out.push(`  (cores: bridge CPU; busy: whole machine; wait: ms per second the bridge's JavaScript thread waited for a CPU held by others;`)
    out.push(`   RSS+: growth, last vs first tenth; quiet p95: over the hops in 10 s stretches with wait < 100 ms/s, and their share of all hops)`)
    out.push(`  ${pad('run', 34)} ${lpad('p50', 7)} ${lpad('p95', 7)} ${lpad('p99', 7)} ${lpad('hops', 6)} ${lpad('up', 6)} ${lpad('pend', 5)} ${lpad('cores', 6)} ${lpad('busy', 6)} ${lpad('wait', 6)} ${lpad('peakMB', 6)} ${lpad('RSS+', 7)} ${lpad('quiet p95 (%)', 14)}`)
    for (const run of runs) out.push(`  ${liveRow({ ...run, label: run.rep ? `${run.label} #${run.rep}` : run.label })}`)
    const summary = Object.entries(r.live?.summary ?? {})
    if (summary.some(([, s]) => s.runs > 1)) {
      out.push(`  medians over repeats: ${summary.map(([k, s]) => `${k} p50 ${n(s.p50)} / p95 ${n(s.p95)} ms${s.keepsUp ? '' : ' (fell behind)'}`).join('; ')}`)
    }
    for (const [k, v] of Object.entries(r.live?.ratios ?? {})) out.push(`  ${pad(k, 44)} ${n(v, 2)}`)
    for (const s of [r.soak, r.soak60].filter((x): x is LiveRunResult => x !== null)) {
      out.push(`  ${s.label}: RSS ${s.memory.drift.first} -> ${s.memory.drift.last} MB (slope ${s.memory.drift.slope} MB/min), latency ${s.latencyDrift.first} -> ${s.latencyDrift.last} ms, ${s.seeks} seeks, ${s.edits} lyric edits`)
    }
  }
  if (r.stall) {
    out.push('', 'Main-thread stalls: a 10-minute song at 8x without DAW sections (event-loop delay of the bridge, ms)')
    out.push(`  ${pad('run', 40)} ${lpad('max', 7)} ${lpad('p99', 7)} ${lpad('p99.9', 7)} ${lpad('>50ms', 6)} ${lpad('>100ms', 6)} ${lpad('p95 lat', 8)} ${lpad('up', 4)}`)
    for (const run of r.stall.runs) {
      const e = run.eventLoop
      out.push(`  ${pad(run.label, 40)} ${lpad(n(e?.maxMs), 7)} ${lpad(n(e?.p99Ms), 7)} ${lpad(n(e?.p999Ms), 7)} ${lpad(String(e?.stallsOver50ms ?? '-'), 6)} ${lpad(String(e?.stallsOver100ms ?? '-'), 6)} ${lpad(n(run.latencyMs.complete.p95), 8)} ${lpad(run.keepingUp.keepsUp ? 'yes' : 'no', 4)}`)
    }
    for (const [k, v] of Object.entries(r.stall.ratios)) out.push(`  ${pad(k, 56)} ${n(v, 2)}`)
  }
  if (r.profile) {
    out.push('', `Bridge CPU profile (${r.profile.run}), self time of the busy time:`)
    for (const t of r.profile.threads) {
      out.push(`  ${t.thread} (${(t.busyMs / 1000).toFixed(1)} s busy, ${(t.idleMs / 1000).toFixed(1)} s idle): ${t.files.slice(0, 7).map((f) => `${f.file} ${(f.share * 100).toFixed(0)}%`).join(', ')}`)
    }
  }
  out.push('', 'Goals')
  for (const goal of r.goals) out.push(`  ${pad(goal.pass === null ? '-' : goal.pass ? 'PASS' : 'FAIL', 5)} ${pad(goal.goal, 76)} ${goal.measured}`)
  console.log(out.join('\n'))
}
