/**
 * One live run: a fresh `emolane serve` child, a feed client on /ws, and a DAW-like session played
 * into it over OSC/UDP. Measures per-hop latency, keeping up, CPU share and memory over time.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { openTarget } from '../bridge/stream/stream-target.js'
import type { BridgeStatus } from '../bridge/server/protocol.js'
import { threadCpu } from './cpu-profile.js'
import { probeArgs, readProbe, type EventLoopStalls } from './event-loop-probe.js'
import { openFeed } from './feed-client.js'
import { HopLatency } from './hop-latency.js'
import { cpuShare, type MachineCpu, machineBusy, type ProcSample, sampleMachine, sampleProcess, sampleRunQueueWait } from './proc-stats.js'
import { playSession, type Session } from './session-player.js'
import { startServe } from './serve-process.js'
import { type Distribution, distribution, drift, type Drift, percentile, round } from './stats.js'

/** A live run to make. */
export type LiveRunOptions = {
  label: string
  session: Session
  speed: number
  /** Window length and hop of the bridge's analysis, seconds (6 and 0.5 for the studio model and default preset) */
  windowSeconds: number
  /** Seconds of audio past a window's end that it waits for (the audio encoder's context; 0 for none) */
  lookaheadSeconds?: number
  hopSeconds: number
  dataDir: string
  device: string
  /** Extra `emolane serve` arguments (e.g. ['--batch', '1'] for the unbatched baseline) */
  serveArgs?: string[]
  /** Node options for the bridge process (e.g. --cpu-prof) */
  nodeArgs?: string[]
  /** Another build of the CLI to run the bridge from (default dist/cli.js) */
  cli?: string
  blockMs?: number
  /** Process sampling period, default 1000 ms */
  sampleEveryMs?: number
  /** Keep the RSS and latency series in the result (soaks), default false */
  keepSeries?: boolean
  /** Judge memory drift only after this many seconds of song have played (the first pass fills the timeline), default 0 */
  steadyAfterSongS?: number
  /** Progress lines */
  log?: (line: string) => void
}

/** A point of a run's time series (x: wall seconds since play started). */
export type SeriesPoint = {
  wallS: number
  songS: number
  rssMB: number
  latencyP50Ms: number | null
  latencyP95Ms: number | null
  /** ms per second the bridge's JavaScript thread waited for a CPU in this stretch (others' load) */
  waitMsPerS: number | null
  /** Whole machine busy in this stretch, 0..1 */
  machineBusy: number | null
}

/** What a live run measured. */
export type LiveRunResult = {
  label: string
  /** Repeat number where a run is repeated. */
  rep?: number
  speed: number
  /** Provider the bridge ran on (from its status). */
  device: string
  songSeconds: number
  wallSeconds: number
  hops: number
  /** Spawn to listening (Node start, model load and check), ms. */
  bridgeStartMs: number
  latencyMs: {
    /** From the block that made the window computable to its frame on the feed: the goal's figure. */
    complete: Distribution
    /** From the block carrying the window's last sample (adds one block's wait). */
    lastSample: Distribution
    /** The bridge's own median (status.latencyMs) at the end of play. */
    bridgeReportedP50: number | null
    /**
     * `complete` over the hops in 10 s stretches where the bridge's JavaScript thread waited less
     * than QUIET_WAIT_MS_PER_S for a CPU held by other processes (share: of all hops): what the
     * bridge does when the machine leaves it alone. Goals are judged on all hops.
     */
    quiet?: Distribution & { share: number }
  }
  keepingUp: {
    /** Every hop got its frame, the backlog stayed within the bridge's keeping-up bound, status.keepingUp never false. */
    keepsUp: boolean
    statusMessages: number
    notKeepingUp: number
    maxPending: number
    coalesced: number
    /** Windows whose frame never arrived. */
    unanswered: number
    /** Frames no block was waiting for (recomputed after lyric edits, end-of-song flush). */
    recomputedFrames: number
    /** Transport stop to the last frame, ms. */
    drainMs: number | null
  }
  cpu: {
    /** Bridge CPU seconds per wall second while playing (1 = one core). */
    cores: number
    /** The same as a share of all cores. */
    ofMachine: number
    /** Bridge CPU seconds per second of song (independent of speed). */
    perSongSecond: number
    /** Whole machine busy (every process) while playing: the noise around the figure. */
    machineBusy: number | null
    /** Bridge CPU seconds while playing by thread: the JavaScript thread, onnxruntime's pool, libuv workers. */
    byThread: Record<string, number>
    /**
     * Seconds per wall second the bridge's JavaScript thread (and all its threads) sat runnable but
     * waiting for a CPU another process held: 0 on a quiet machine; latency above the model's time
     * comes from here when it is large.
     */
    waitingForCpu: { main: number | null; all: number | null }
  }
  memory: {
    /** RSS after the model loaded, before any audio. */
    loadedMB: number
    /** Peak RSS over the run (VmHWM). */
    peakMB: number
    endMB: number
    /** RSS drift over the run (first vs last tenth, slope in MB per wall minute), after `steadyAfterSongS` seconds of song. */
    drift: Drift
    /** Song seconds after which the drift is judged (the end of the first pass). */
    steadyFromSongS: number
    /** The same drift over the second half of the run only: a cache filling up levels off, a leak does not. */
    secondHalfDrift: Drift
  }
  /** Latency drift over the run (median of the first vs the last tenth of hops, slope in ms per wall minute). */
  latencyDrift: Drift
  /** How long the bridge's main thread stalled from play to the end of the drain (event-loop delay); null when the probe wrote nothing. */
  eventLoop: EventLoopStalls | null
  errors: Record<string, number>
  series?: SeriesPoint[]
  seeks: number
  edits: number
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Runs one live session against a fresh bridge and returns what it measured. */
export async function runLive(options: LiveRunOptions): Promise<LiveRunResult> {
  const o = { blockMs: 50, sampleEveryMs: 1000, keepSeries: false, serveArgs: [] as string[], log: (_: string) => {}, ...options }
  const project = `bench-${o.label.replace(/[^a-z0-9-]+/gi, '-')}-${Date.now()}`
  mkdirSync(o.dataDir, { recursive: true })
  const probeOut = join(o.dataDir, `${project}-event-loop.json`)
  const probe = probeArgs(o.dataDir, probeOut)
  const serve = await startServe({ dataDir: o.dataDir, project, device: o.device, args: o.serveArgs, nodeArgs: [...(o.nodeArgs ?? []), ...probe.nodeArgs], env: probe.env, cli: o.cli })
  const hops = new HopLatency(o.hopSeconds, o.windowSeconds / 2, o.lookaheadSeconds ?? 0)
  const statuses: { at: number; status: BridgeStatus }[] = []
  const errors: Record<string, number> = {}
  let lastFrameAt = 0
  let playing = false
  try {
    await sleep(500) // let the bridge settle after listening before taking its idle RSS
    const loaded = sampleProcess(serve.pid)
    const feed = await openFeed(serve.httpUrl, {
      frames: (frames, at) => {
        lastFrameAt = at
        for (const f of frames) hops.frame(f.end, at)
      },
      status: (status, at) => {
        if (playing) statuses.push({ at, status })
      },
      error: (e) => {
        errors[e.code] = (errors[e.code] ?? 0) + 1
      },
    })
    const target = await openTarget(`udp://127.0.0.1:${serve.oscPort}`)
    const procSamples: Sample[] = []
    let songS = 0
    const sampler = setInterval(() => {
      const s = sampleProcess(serve.pid)
      if (s) procSamples.push({ ...s, songS, wait: sampleRunQueueWait(serve.pid)?.main ?? null, machine: sampleMachine() })
    }, o.sampleEveryMs)
    const machineStart = sampleMachine()
    const procStart = sampleProcess(serve.pid)
    const threadsStart = threadCpu(serve.pid)
    const waitStart = sampleRunQueueWait(serve.pid)
    process.kill(serve.pid, 'SIGUSR2') // the probe starts counting stalls afresh: from play on
    const playStart = performance.now()
    playing = true
    let progressAt = playStart
    const report = await playSession(target, o.session, {
      speed: o.speed,
      blockMs: o.blockMs,
      onBlock: (end, at, segment) => {
        hops.block(end, at, segment)
        songS += o.blockMs / 1000
        if (at - progressAt > 30_000) {
          progressAt = at
          o.log(`  ${o.label}: ${Math.round(songS)} s of song in ${Math.round((at - playStart) / 1000)} s`)
        }
      },
      onSegmentEnd: (end, at) => hops.segmentEnd(end, at),
    })
    const stopAt = performance.now()
    const procStop = sampleProcess(serve.pid)
    const threadsStop = threadCpu(serve.pid)
    const waitStop = sampleRunQueueWait(serve.pid)
    const machineStop = sampleMachine()
    // drain: every hop answered and no frame for a while, or give up after 2 minutes
    const drainLimit = stopAt + 120_000
    while (performance.now() < drainLimit) {
      await sleep(250)
      const quiet = performance.now() - Math.max(lastFrameAt, stopAt) > 2000
      if (quiet && (hops.waiting === 0 || performance.now() - Math.max(lastFrameAt, stopAt) > 10_000)) break
    }
    playing = false
    clearInterval(sampler)
    const end = sampleProcess(serve.pid)
    await sleep(300) // the probe writes four times a second
    const eventLoop = readProbe(probeOut)
    await target.close()
    await feed.close()

    const samples = hops.samples
    const playSamples = procSamples.filter((s) => s.at >= playStart && s.at <= stopAt)
    const steadySamples = playSamples.filter((s) => s.songS >= (o.steadyAfterSongS ?? 0))
    const share = procStart && procStop ? cpuShare(procStart, procStop) : { cores: NaN, ofMachine: NaN }
    const cpuSeconds = procStart && procStop ? procStop.cpu - procStart.cpu : NaN
    const maxPending = Math.max(0, ...statuses.map((s) => s.status.pending))
    const notKeepingUp = statuses.filter((s) => !s.status.keepingUp).length
    const lastStatus = statuses.filter((s) => s.at <= stopAt).at(-1)?.status ?? statuses.at(-1)?.status
    const unanswered = hops.waiting
    const result: LiveRunResult = {
      label: o.label,
      speed: o.speed,
      device: lastStatus?.model.device ?? 'unknown',
      songSeconds: round(report.songSeconds, 1),
      wallSeconds: round(report.wallSeconds, 1),
      hops: samples.length,
      bridgeStartMs: Math.round(serve.startMs),
      latencyMs: {
        complete: distribution(samples.map((s) => s.complete)),
        lastSample: distribution(samples.map((s) => s.lastSample)),
        bridgeReportedP50: lastStatus?.latencyMs ?? null,
      },
      keepingUp: {
        keepsUp: unanswered === 0 && notKeepingUp === 0 && samples.length > 0,
        statusMessages: statuses.length,
        notKeepingUp,
        maxPending,
        coalesced: statuses.at(-1)?.status.coalesced ?? 0,
        unanswered,
        recomputedFrames: hops.unmatched,
        drainMs: lastFrameAt > stopAt ? Math.round(lastFrameAt - stopAt) : null,
      },
      cpu: {
        cores: round(share.cores, 3),
        ofMachine: round(share.ofMachine, 3),
        perSongSecond: round(cpuSeconds / report.songSeconds, 4),
        machineBusy: machineStart && machineStop ? round(machineBusy(machineStart, machineStop) ?? NaN, 3) : null,
        waitingForCpu: {
          main: waitStart && waitStop ? round((waitStop.main - waitStart.main) / report.wallSeconds, 3) : null,
          all: waitStart && waitStop ? round((waitStop.all - waitStart.all) / report.wallSeconds, 3) : null,
        },
        byThread: Object.fromEntries(Object.entries(threadsStop).map(([k, v]) => [k, round(v - (threadsStart[k] ?? 0), 2)]).filter(([, v]) => (v as number) > 0)),
      },
      memory: {
        loadedMB: round(loaded?.rss ?? NaN, 1),
        peakMB: round(end?.peakRss ?? Math.max(...procSamples.map((s) => s.peakRss)), 1),
        endMB: round(end?.rss ?? NaN, 1),
        drift: roundDrift(drift(steadySamples.map((s) => (s.at - playStart) / 60_000), steadySamples.map((s) => s.rss))),
        steadyFromSongS: o.steadyAfterSongS ?? 0,
        secondHalfDrift: (() => {
          const half = steadySamples.slice(Math.floor(steadySamples.length / 2))
          return roundDrift(drift(half.map((s) => (s.at - playStart) / 60_000), half.map((s) => s.rss)))
        })(),
      },
      latencyDrift: roundDrift(drift(samples.map((s) => (s.at - playStart) / 60_000), samples.map((s) => s.complete), 'median')),
      eventLoop,
      errors,
      seeks: Math.max(0, report.seeks - 1),
      edits: report.edits,
    }
    const stretches = series(playSamples, samples, playStart)
    result.latencyMs.quiet = { ...distribution(stretches.quiet), share: round(stretches.quiet.length / Math.max(1, samples.length), 3) }
    if (o.keepSeries) result.series = stretches.points
    return result
  } finally {
    await serve.stop()
  }
}

type Sample = ProcSample & { songS: number; wait: number | null; machine: MachineCpu | null }

/** A stretch counts as quiet when the bridge's JavaScript thread waited less than this for a CPU, ms per second. */
export const QUIET_WAIT_MS_PER_S = 100

/** RSS, latency and CPU contention per ~10 s of wall time; also the latencies of the hops in quiet stretches. */
function series(proc: Sample[], hops: { at: number; complete: number }[], playStart: number): { points: SeriesPoint[]; quiet: number[] } {
  const out: SeriesPoint[] = []
  const quiet: number[] = []
  const step = 10_000
  let h = 0
  let prev: Sample | null = null
  for (let t = playStart; t < (proc.at(-1)?.at ?? playStart); t += step) {
    const inBucket = proc.filter((s) => s.at >= t && s.at < t + step)
    if (inBucket.length === 0) continue
    const lat: number[] = []
    while (h < hops.length && hops[h]!.at < t + step) {
      if (hops[h]!.at >= t) lat.push(hops[h]!.complete)
      h++
    }
    const last = inBucket.at(-1)!
    const p = (q: number): number | null => {
      const v = percentile(lat, q)
      return v === null ? null : round(v, 1)
    }
    const from = prev ?? inBucket[0]!
    const secs = (last.at - from.at) / 1000
    const waitMsPerS = from.wait !== null && last.wait !== null && secs > 0 ? round(((last.wait - from.wait) * 1000) / secs, 0) : null
    const busy = from.machine && last.machine ? machineBusy(from.machine, last.machine) : null
    if (waitMsPerS !== null && waitMsPerS < QUIET_WAIT_MS_PER_S) quiet.push(...lat)
    out.push({ wallS: round((last.at - playStart) / 1000, 1), songS: round(last.songS, 1), rssMB: round(last.rss, 1), latencyP50Ms: p(50), latencyP95Ms: p(95), waitMsPerS, machineBusy: busy === null ? null : round(busy, 2) })
    prev = last
  }
  return { points: out, quiet }
}

function roundDrift(d: Drift): Drift {
  const r = (v: number | null, k: number): number | null => (v === null ? null : round(v, k))
  return { first: r(d.first, 1), last: r(d.last, 1), change: r(d.change, 4), slope: r(d.slope, 3) }
}
