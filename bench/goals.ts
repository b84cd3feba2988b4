/** The speed goals of issue 5 (2-core CPU, studio model) and the soak of issue 6, judged from the measurements. */
import type { LiveRunResult } from './live-bench.js'

/** Median figures of the repeats of one live run (see bench.ts). */
export type LiveSummary = { runs: number; p95: number | null; keepsUp: boolean; peakMB: number | null }

/** One goal's verdict; `pass` is null when this run did not measure it. */
export type Goal = { id: string; goal: string; measured: string; pass: boolean | null; note?: string }

/** What the goals are judged from. */
export type GoalInput = {
  live1x: LiveSummary | null
  live8x: LiveSummary | null
  /** Every live run (for peak RSS). */
  liveRuns: LiveRunResult[]
  offline: { device: string; xRealTime: number; ms: number; songSeconds: number } | null
  soak: LiveRunResult | null
  soak60: LiveRunResult | null
  /** Whole-process medians (bench/startup-bench.ts), null where not run. */
  startup?: { oneSecondMs: number | null; songMs: number | null; songXRealTime: number | null; songPeakMB: number | null } | null
}

/** Latency counts as flat when the last tenth's median is within 10 % or 5 ms of the first tenth's. */
export function latencyFlat(r: LiveRunResult): boolean | null {
  const { first, last } = r.latencyDrift
  if (first === null || last === null) return null
  return last <= first * 1.1 || last - first <= 5
}

const isGpu = (device: string): boolean => device !== 'cpu'

/** Judges every goal. */
export function judgeGoals(m: GoalInput): Goal[] {
  const goals: Goal[] = []
  const p95 = (r: LiveSummary | null): number | null => r?.p95 ?? null
  const fmt = (v: number | null, unit: string): string => (v === null ? 'not measured' : `${v} ${unit}`)
  const runs = (r: LiveSummary | null): string => (r && r.runs > 1 ? ` (median of ${r.runs} runs)` : '')
  goals.push({ id: 'live-1x-p95', goal: 'live p95 latency <= 50 ms per 0.5 s hop (1x)', measured: fmt(p95(m.live1x), 'ms') + runs(m.live1x), pass: p95(m.live1x) === null ? null : p95(m.live1x)! <= 50 })
  goals.push({
    id: 'live-8x-p95',
    goal: 'live p95 latency <= 50 ms per hop at 8x (the strict reading)',
    measured: fmt(p95(m.live8x), 'ms') + runs(m.live8x),
    pass: p95(m.live8x) === null ? null : p95(m.live8x)! <= 50,
  })
  goals.push({
    id: 'live-8x-keeps-up',
    goal: 'keeps up at 8x (every hop answered, status.keepingUp never false)',
    measured: m.live8x ? (m.live8x.keepsUp ? `yes, in all ${m.live8x.runs} runs` : `no, in at least one of ${m.live8x.runs} runs`) : 'not measured',
    pass: m.live8x ? m.live8x.keepsUp : null,
  })
  const cpuOffline = m.offline && !isGpu(m.offline.device) ? m.offline : null
  goals.push({
    id: 'offline-100x',
    goal: 'offline >= 100x real time warm (a 3-minute song in under 2 s)',
    measured: cpuOffline ? `${cpuOffline.xRealTime}x (${(cpuOffline.ms / 1000).toFixed(2)} s for ${cpuOffline.songSeconds.toFixed(0)} s)` : m.offline ? `ran on ${m.offline.device}, not the CPU` : 'not measured',
    pass: cpuOffline ? cpuOffline.xRealTime >= 100 : null,
  })
  const peaks = [...m.liveRuns, m.soak, m.soak60].filter((r): r is LiveRunResult => r !== null).map((r) => r.memory.peakMB)
  const peak = peaks.length ? Math.max(...peaks) : null
  goals.push({ id: 'peak-rss', goal: 'bridge peak RSS <= 400 MB with the model loaded', measured: fmt(peak, 'MB'), pass: peak === null ? null : peak <= 400 })
  const growth = (r: LiveRunResult | null): number | null => r?.memory.drift.change ?? null
  const pct = (v: number | null): string => (v === null ? 'not measured' : `${(v * 100).toFixed(1)} %`)
  goals.push({
    id: 'soak-growth',
    goal: 'RSS growth over the 30-minute soak at 8x < 10 % (last tenth vs first tenth)',
    measured: m.soak ? `${pct(growth(m.soak))} (second half ${pct(m.soak.memory.secondHalfDrift.change)})` : 'not measured',
    pass: growth(m.soak) === null ? null : growth(m.soak)! < 0.1,
  })
  goals.push({
    id: 'soak60-memory-flat',
    goal: '60-minute soak at 8x with seeks and lyric edits: RSS growth < 10 %',
    measured: m.soak60 ? `${pct(growth(m.soak60))} (second half ${pct(m.soak60.memory.secondHalfDrift.change)})` : 'not measured',
    pass: growth(m.soak60) === null ? null : growth(m.soak60)! < 0.1,
  })
  goals.push({
    id: 'soak60-latency-flat',
    goal: '60-minute soak: latency flat (median of the last tenth of hops within 10 % or 5 ms of the first)',
    measured: m.soak60 ? `${m.soak60.latencyDrift.first} -> ${m.soak60.latencyDrift.last} ms` : 'not measured',
    pass: m.soak60 ? latencyFlat(m.soak60) : null,
  })
  const st = m.startup ?? null
  goals.push({ id: 'startup-1s', goal: 'emolane analyze of a 1 s WAV <= 0.5 s, spawn to exit', measured: fmt(st?.oneSecondMs ?? null, 'ms'), pass: st?.oneSecondMs == null ? null : st.oneSecondMs <= 500 })
  goals.push({
    id: 'cli-song-100x',
    goal: 'the 3-minute song (44.1 kHz stereo WAV) with lyrics through emolane analyze <= 1.8 s wall (>= 100x real time), spawn to exit',
    measured: st?.songMs == null ? 'not measured' : `${(st.songMs / 1000).toFixed(2)} s, ${st.songXRealTime}x`,
    pass: st?.songMs == null ? null : st.songMs <= 1800,
  })
  goals.push({ id: 'cli-song-rss', goal: 'peak RSS of that process <= 300 MB', measured: fmt(st?.songPeakMB ?? null, 'MB'), pass: st?.songPeakMB == null ? null : st.songPeakMB <= 300 })
  const gpu = m.offline && isGpu(m.offline.device) ? m.offline : null
  goals.push({
    id: 'gpu-2000x',
    goal: 'GPU >= 2000x real time offline with batching',
    measured: gpu ? `${gpu.xRealTime}x on ${gpu.device}` : 'no GPU provider ran here',
    pass: gpu ? gpu.xRealTime >= 2000 : null,
  })
  return goals
}
