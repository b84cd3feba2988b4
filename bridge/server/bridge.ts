/**
 * The live bridge: a thin facade wiring ingest (OSC over UDP and WebSocket, binary audio), the live
 * timeline, the inference and analysis loops, persistence, and the /ws feed and HTTP API.
 *
 *   const bridge = await Bridge.start({ httpPort: 8080, oscPort: 9000 })
 *   bridge.on('frames', (frames) => ...)
 *   await bridge.close()
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { AnalysisThread } from '../analysis/analysis-thread.js'
import { inProcessAnalysis, type AudioAnalysisRunner } from '../analysis/audio-analysis-ops.js'
import { listPresets, loadPreset, type AnalysisPreset } from '../analysis/presets.js'
import { smoothedCurve } from '../analysis/smoothing.js'
import type { Analysis, Frame, LyricLine, SectionSpan, Summary } from '../analysis/types.js'
import { documentModelInfo, EmotionModel } from '../engine/emotion-model.js'
import { modelReach } from '../engine/log-mel.js'
import { WorkerModel, type LiveModel } from '../engine/worker-model.js'
import { packageRoot } from '../engine/model-dir.js'
import { LiveAnalysis } from '../stream/live-analysis.js'
import { LiveInference } from '../stream/live-inference.js'
import { LiveTimeline } from '../stream/live-timeline.js'
import { ErrorReporter } from './error-reporter.js'
import { FeedServer } from './feed-server.js'
import { createHttpServer } from './http-server.js'
import { IngestError } from './ingest-error.js'
import { createIngestSink } from './ingest-sink.js'
import { ingestLimits, isLoopback, resolveOptions, type BridgeOptions, type ResolvedBridgeOptions } from './options.js'
import { OscUdpServer } from './osc-udp.js'
import type { IngestSink } from './osc-router.js'
import { TimelinePersistence } from './persistence.js'
import { listenReason } from './listen-error.js'
import { resolveDataDir } from './project-store.js'
import type { AudioBlock, BridgeEvents, BridgeInput, BridgeStatus, FeedMessage } from './protocol.js'
import { RateLimiter } from './rate-limit.js'
import { TypedEmitter } from './typed-emitter.js'
import { WsIngest } from './ws-ingest.js'

/** Things `Bridge.start` can be handed instead of loading them. */
export type BridgeDeps = {
  /** A loaded model to use (and not close): an EmotionModel runs on the main thread, a WorkerModel on its own; otherwise one is loaded from options.modelDir / device, on the thread options.modelThread says. */
  model?: LiveModel
  /** An analysis preset object; otherwise options.preset is loaded. */
  preset?: AnalysisPreset
}

/** Least time between two lyric messages on the feed (a burst of lines goes out as its first line and then the whole list). */
const LYRICS_THROTTLE_MS = 100

const NEUTRAL: Summary = {
  valence: 0,
  arousal: 0,
  polarity: [1 / 3, 1 / 3, 1 / 3],
  label: 'neutral',
  confidence: 0,
  audio: { valence: 0, arousal: 0, polarity: [1 / 3, 1 / 3, 1 / 3], label: 'neutral', confidence: 0 },
  lyrics: null,
}

/** The running bridge. Implements BridgeInput (bad values are reported as 'error' events, never thrown). */
export class Bridge extends TypedEmitter<BridgeEvents> implements BridgeInput {
  readonly options: ResolvedBridgeOptions
  readonly model: LiveModel
  readonly errors: ErrorReporter
  private currentPreset: AnalysisPreset
  private presetSwitch: Promise<unknown> = Promise.resolve()
  private timeline: LiveTimeline
  private inference: LiveInference
  private analysisLoop: LiveAnalysis
  private persistence: TimelinePersistence | null = null
  /** Lyric lines added or replaced since the last lyric message, by start; null after a clear (the next message carries every line). */
  private lyricChanges: Map<number, LyricLine> | null = new Map()
  /** Project folders created by /emolane/project this run (bounded by maxNewProjects). */
  private newProjects = 0
  private readonly sink: IngestSink
  private readonly limiter: RateLimiter
  private readonly feed: FeedServer
  private readonly wsIngest: WsIngest
  private udp: OscUdpServer | null = null
  private http: Server | null = null
  private readonly ownsModel: boolean
  private readonly analysisRunner: AudioAnalysisRunner
  private readonly unsubscribe: (() => void)[] = []
  private readonly timers: NodeJS.Timeout[] = []
  private statusTimer: NodeJS.Timeout | null = null
  private lastStatusAt = 0
  private lyricsTimer: NodeJS.Timeout | null = null
  private lastLyricsAt = -Infinity
  private project: string
  private readonly startedAt = Date.now()
  private closed = false

  private constructor(options: ResolvedBridgeOptions, model: LiveModel, preset: AnalysisPreset, ownsModel: boolean, analysisRunner: AudioAnalysisRunner) {
    super()
    this.options = options
    this.model = model
    this.analysisRunner = analysisRunner
    this.currentPreset = preset
    this.ownsModel = ownsModel
    this.project = options.project
    this.errors = new ErrorReporter((info) => this.onError(info), options.log, options.errorsPerSecond)
    this.limiter = new RateLimiter(options.maxMessagesPerSecond, options.maxBytesPerSecond)
    this.sink = createIngestSink(() => this.timeline, ingestLimits(options), { project: (name) => this.switchProject(name) })
    ;({ timeline: this.timeline, inference: this.inference, analysis: this.analysisLoop } = this.createLive())
    this.feed = new FeedServer(
      { maxClients: options.maxClients, maxBufferedBytes: options.clientMaxBufferedBytes, lagTimeoutMs: options.clientLagTimeoutMs, pingIntervalMs: options.pingIntervalMs },
      () => ({ type: 'snapshot', analysis: this.analysis(), status: this.status() }),
      (code, message) => this.errors.report(code, message, 'feed'),
      () => this.statusSoon(),
    )
    this.wsIngest = new WsIngest(
      { maxMessageBytes: options.maxMessageBytes, maxClients: options.maxIngestClients, pingIntervalMs: options.pingIntervalMs },
      this.sink,
      this.limiter,
      (code, message, source) => this.errors.report(code, message, source),
    )
  }

  /** Loads the model and preset, opens the project, and starts listening. */
  static async start(options: BridgeOptions = {}, deps: BridgeDeps = {}): Promise<Bridge> {
    const o = resolveOptions(options)
    const preset = deps.preset ?? (await loadPreset(o.preset))
    const modelOptions = { modelDir: o.modelDir, device: o.device, onWarning: (m: string) => o.log?.(`emolane: ${m}`) }
    const model = deps.model ?? (o.modelThread === 'worker' ? await WorkerModel.load(modelOptions) : await EmotionModel.load(modelOptions))
    let runner: AudioAnalysisRunner = inProcessAnalysis
    if (o.analysisThread === 'worker') {
      runner = await AnalysisThread.start().catch((err: unknown) => {
        o.log?.(`emolane: no analysis thread (${err instanceof Error ? err.message : String(err)}); sections and cues are measured on the main thread`)
        return inProcessAnalysis
      })
    }
    const bridge = new Bridge(o, model, preset, !deps.model, runner)
    try {
      bridge.openProject(o.project)
      await bridge.listen()
    } catch (err) {
      await bridge.close()
      throw err
    }
    return bridge
  }

  /** The analysis preset in use. */
  get preset(): AnalysisPreset {
    return this.currentPreset
  }

  /** The analysis presets this bridge can switch to (presets/analysis/*.json), and the one in use. */
  async presets(): Promise<{ presets: string[]; current: string }> {
    return { presets: await listPresets(), current: this.currentPreset.name }
  }

  /**
   * Analyses with another preset from now on (POST /api/preset): a new hop moves the window grid
   * (frames on the new grid are kept, the others recomputed from the stored audio), the conflict
   * threshold and section length apply as sections and conflicts are recomputed at once, and every
   * feed client gets a fresh snapshot with the status. Names only (presets/analysis/NAME.json), never
   * paths; an unknown name is a RangeError listing the known ones.
   */
  selectPreset(name: string): Promise<AnalysisPreset> {
    const run = this.presetSwitch.then(() => this.applyPreset(name))
    this.presetSwitch = run.catch(() => undefined)
    return run
  }

  private async applyPreset(name: string): Promise<AnalysisPreset> {
    if (this.closed) throw new Error('the bridge is closed')
    const names = await listPresets()
    if (typeof name !== 'string' || !names.includes(name)) {
      throw new RangeError(`no analysis preset ${JSON.stringify(name)}; expected one of ${names.join(', ')}`)
    }
    const preset = await loadPreset(name)
    const old = this.currentPreset
    this.currentPreset = preset
    this.analysisLoop.preset = preset
    if (preset.hopSeconds !== old.hopSeconds) {
      const { kept, dropped } = this.timeline.setHop(preset.hopSeconds)
      this.persistence?.setHop(preset.hopSeconds)
      this.options.log?.(`emolane: preset ${preset.name}: readings every ${preset.hopSeconds} s (${kept} kept, ${dropped} dropped, the rest analysed again)`)
    } else {
      this.options.log?.(`emolane: preset ${preset.name}`)
    }
    this.inference.wake()
    // sections and conflicts under the new threshold and section length, then everything to the clients
    await this.analysisLoop.flush()
    if (!this.closed) {
      const status = this.status()
      this.emit('status', status)
      this.feed.broadcast({ type: 'snapshot', analysis: this.analysis(), status })
    }
    return preset
  }

  /** Base URL of the HTTP server, e.g. http://127.0.0.1:8080 (null without HTTP). */
  get httpUrl(): string | null {
    const a = this.http?.address() as AddressInfo | null | undefined
    if (!a) return null
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address
    return `http://${host}:${a.port}`
  }

  /** The UDP port OSC listens on (null without UDP). */
  get oscPort(): number | null {
    return this.udp?.port ?? null
  }

  /** Project folder on disk (null when not persisting). */
  get projectDir(): string | null {
    return this.persistence?.dir ?? null
  }

  /** The known sections (from the DAW or a section file; detected ones are not included), in start order. */
  get spans(): SectionSpan[] {
    return [...this.timeline.spans]
  }

  /** The checked input whose calls throw IngestError on bad values (for transports and dialects that report errors themselves). */
  input(): IngestSink {
    return this.sink
  }

  // BridgeInput: report, never throw, so a DAW dialect cannot crash the bridge with bad data
  audio(block: AudioBlock): void {
    this.guard(() => this.sink.audio(block))
  }
  lyricLine(line: Parameters<BridgeInput['lyricLine']>[0]): void {
    this.guard(() => this.sink.lyricLine(line))
  }
  clearLyrics(): void {
    this.guard(() => this.sink.clearLyrics())
  }
  section(span: Parameters<BridgeInput['section']>[0]): void {
    this.guard(() => this.sink.section(span))
  }
  /** Drops the DAW sections (not part of BridgeInput; OSC /emolane/sections/clear). */
  clearSections(): void {
    this.guard(() => this.sink.clearSections())
  }
  play(): void {
    this.guard(() => this.sink.play())
  }
  stop(): void {
    this.guard(() => this.sink.stop())
  }
  seek(time: number): void {
    this.guard(() => this.sink.seek(time))
  }
  tempo(bpm: number): void {
    this.guard(() => this.sink.tempo(bpm))
  }

  /** The bridge's status as the panel shows it. */
  status(): BridgeStatus {
    const pending = this.inference.pending
    return {
      // requested and fallback included: a provider that failed to load is said here, not only in the log
      model: { ...this.model.info },
      clients: this.feed.size,
      transport: { ...this.timeline.transport },
      pending,
      coalesced: this.timeline.scheduler.coalesced,
      keepingUp: this.timeline.scheduler.keepingUp(pending),
      latencyMs: this.inference.latencyMs,
      lookahead: this.model.windowSeconds / 2 + modelReach(this.model.manifest.audio)[1] / this.model.sampleRate,
      project: this.project,
      preset: { ...this.currentPreset },
    }
  }

  /** The analysed timeline so far, as an Analysis document. */
  analysis(): Analysis {
    const t = this.timeline
    const last = this.analysisLoop.last
    const model = documentModelInfo(this.model.info)
    const frames = t.frameList()
    return {
      schema: 'emolane.analysis/1',
      source: 'live',
      model,
      window: this.model.windowSeconds,
      hop: this.currentPreset.hopSeconds,
      duration: t.duration,
      tempo: t.transport.tempo,
      ...(t.tempoMap.length > 0 ? { tempoMap: t.tempoMap.map((c) => ({ ...c })) } : {}),
      frames,
      curve: smoothedCurve(frames, this.currentPreset.smoothingSeconds),
      sections: last.sections,
      conflicts: last.conflicts,
      lyrics: [...t.lyrics],
      summary: last.summary ?? NEUTRAL,
      createdAt: new Date().toISOString(),
    }
  }

  /** Resolves once every due window is analysed and sections/conflicts are up to date (for tests and `stream`). */
  async settle(): Promise<void> {
    // datagrams already sent are still on their way from the UDP thread: take them in first
    await this.udp?.drained()
    for (let i = 0; i < 100; i++) {
      await this.inference.settled()
      await this.analysisLoop.flush()
      await this.inference.settled()
      if (this.inference.pending === 0) {
        await this.analysisLoop.settled()
        return
      }
    }
  }

  /** Stops listening, flushes the project to disk and releases everything. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const t of this.timers) clearInterval(t)
    if (this.statusTimer) clearTimeout(this.statusTimer)
    if (this.lyricsTimer) clearTimeout(this.lyricsTimer)
    for (const u of this.unsubscribe.splice(0)) u()
    this.inference.close()
    this.analysisLoop.close()
    this.feed.close()
    this.wsIngest.close()
    await this.udp?.close()
    const http = this.http
    if (http) {
      await new Promise<void>((resolve) => {
        http.close(() => resolve())
        http.closeAllConnections()
      })
    }
    await this.inference.settled().catch(() => undefined)
    this.persistence?.close()
    this.persistence = null
    await this.analysisRunner.close()
    if (this.ownsModel) await this.model.close()
    this.removeAllListeners()
  }

  private createLive(): { timeline: LiveTimeline; inference: LiveInference; analysis: LiveAnalysis } {
    const o = this.options
    const timeline = new LiveTimeline({
      sampleRate: this.model.sampleRate,
      window: this.model.windowSeconds,
      hop: this.preset.hopSeconds,
      maxDuration: o.maxDuration,
      maxLyricLines: o.maxLyricLines,
      maxSections: o.maxSections,
      maxTempoChanges: o.maxTempoChanges,
      keepUpPending: Math.max(2 * o.batchSize, 8),
      reach: modelReach(this.model.manifest.audio),
    })
    const inference = new LiveInference(timeline, this.model, { batchSize: o.batchSize })
    const analysis = new LiveAnalysis(timeline, this.model, { throttleMs: o.analysisThrottleMs, preset: this.preset, runner: this.analysisRunner })
    return { timeline, inference, analysis }
  }

  private wire(): void {
    const { timeline: t, inference: inf, analysisLoop: an } = this
    const send = (msg: FeedMessage): void => this.feed.broadcast(msg)
    this.unsubscribe.push(
      t.on('work', () => inf.wake()),
      t.on('invalidate', (start, end) => {
        this.emit('invalidate', start, end)
        send({ type: 'invalidate', start, end })
      }),
      t.on('lyrics', (lines, change) => {
        this.emit('lyrics', lines)
        if ('add' in change) this.lyricChanges?.set(change.add.start, change.add)
        else this.lyricChanges = null
        this.lyricsSoon()
        an.request()
      }),
      t.on('spans', (spans) => {
        this.emit('spans', spans)
        an.request()
      }),
      t.on('transport', (state) => {
        this.emit('transport', state)
        send({ type: 'transport', state })
        this.statusSoon()
      }),
      inf.on('frames', (frames) => this.onFrames(frames)),
      inf.on('failure', (err) => this.errors.report('model', `inference failed, retrying shortly: ${err.message}`, 'model')),
      inf.on('progress', () => this.statusSoon()),
      an.on('result', (r) => {
        this.emit('sections', r.sections)
        this.emit('conflicts', r.conflicts)
        send({ type: 'sections', sections: r.sections, summary: r.summary })
        send({ type: 'conflicts', conflicts: r.conflicts })
        this.useDetectedSpans(r.spans)
      }),
      an.on('failure', (err) => this.errors.report('analysis', `sections/conflicts could not be computed: ${err.message}`, 'analysis')),
    )
  }

  /** Without DAW sections, lyric contexts use the detected ones, updated only when the audio is at rest (so they settle). */
  private useDetectedSpans(spans: readonly { start: number; end: number; name: string; source: string }[]): void {
    const t = this.timeline
    if (t.spans.length > 0 || t.lyrics.length === 0 || !t.flushing) return
    const key = (s: readonly { start: number; end: number }[]): string => s.map((x) => `${x.start.toFixed(3)}-${x.end.toFixed(3)}`).join()
    if (key(spans) === key(this.inference.detectedSpans)) return
    this.inference.detectedSpans = spans.map((s) => ({ start: s.start, end: s.end, name: s.name, source: 'detected' }))
    t.textChanged(0, t.duration, performance.now())
  }

  private onFrames(frames: Frame[]): void {
    this.persistence?.frames(frames)
    this.emit('frames', frames)
    this.feed.broadcast({ type: 'frames', frames })
    this.analysisLoop.request()
    this.statusSoon()
  }

  private openProject(name: string): void {
    this.wire()
    if (!this.options.persist) return
    const persistence = new TimelinePersistence(this.timeline, {
      dataDir: resolveDataDir(this.options.dataDir),
      project: name,
      persistAudio: this.options.persistAudio,
      audioSyncMs: this.options.audioSyncMs,
      hop: this.preset.hopSeconds,
      model: `${this.model.info.name}@${this.model.info.version}`,
      problem: (message) => this.errors.report('persist', message, 'persist'),
    })
    const { frames, problems } = persistence.open()
    this.persistence = persistence
    for (const p of problems) this.errors.report('persist', p, 'persist')
    if (frames > 0 || this.timeline.duration > 0) {
      this.options.log?.(`emolane: project ${name}: restored ${frames} frames and ${this.timeline.duration.toFixed(1)} s of audio from ${persistence.dir}`)
    }
    this.inference.wake()
    this.analysisLoop.request()
  }

  /** Saves the current project and loads another (OSC /emolane/project). */
  private switchProject(name: string): void {
    if (name === this.project) return
    if (this.options.persist && !existsSync(join(resolveDataDir(this.options.dataDir), name))) {
      // any sender allowed to send OSC may switch (with --token, only authenticated ones); creating folders is bounded
      if (this.newProjects >= this.options.maxNewProjects) {
        throw new IngestError('project-bad', `refused to create project ${name}: this run already created ${this.newProjects} new projects (option maxNewProjects); switching to an existing project still works`)
      }
      this.newProjects++
    }
    for (const u of this.unsubscribe.splice(0)) u()
    this.persistence?.close()
    this.persistence = null
    this.inference.close()
    this.analysisLoop.close()
    ;({ timeline: this.timeline, inference: this.inference, analysis: this.analysisLoop } = this.createLive())
    this.project = name
    // the snapshot below carries the new project's lines
    this.lyricChanges = new Map()
    try {
      this.openProject(name)
    } catch (err) {
      this.errors.report('persist', `project ${name} could not be opened, keeping it in memory only: ${err instanceof Error ? err.message : String(err)}`, 'persist')
    }
    this.feed.broadcast({ type: 'snapshot', analysis: this.analysis(), status: this.status() })
  }

  private async listen(): Promise<void> {
    const o = this.options
    if (o.oscPort !== null) {
      this.udp = new OscUdpServer({ host: o.host, port: o.oscPort, token: o.token }, this.sink, this.limiter, (code, message, source) => this.errors.report(code, message, source))
      await this.udp.listen()
    }
    if (o.httpPort !== null) {
      const http = createHttpServer({
        token: o.token,
        loopback: isLoopback(o.host),
        panelDir: o.panelDir ?? join(packageRoot(), 'dist', 'panel'),
        status: () => this.status(),
        analysis: () => this.analysis(),
        health: () => ({
          uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
          audioSeconds: this.timeline.duration,
          frames: this.timeline.frames.size,
          ingestClients: this.wsIngest.size,
          errors: Object.fromEntries(this.errors.counts),
          memoryMB: Math.round(process.memoryUsage().rss / 2 ** 20),
          projectDir: this.projectDir,
        }),
        presets: () => this.presets(),
        selectPreset: (name) => this.selectPreset(name),
        upgradeFeed: (req, socket, head) => this.feed.handleUpgrade(req, socket, head),
        upgradeIngest: (req, socket, head) => this.wsIngest.handleUpgrade(req, socket, head),
        problem: (code, message) => this.errors.report(code, message, 'http'),
      })
      this.http = http
      await new Promise<void>((resolve, reject) => {
        const fail = (err: Error): void => reject(new Error(`cannot listen for HTTP on ${o.host}:${o.httpPort}: ${listenReason(err, o.httpPort, '--http-port N')}`, { cause: err }))
        http.once('error', fail)
        http.listen(o.httpPort!, o.host, () => {
          http.off('error', fail)
          resolve()
        })
      })
    }
    const idle = setInterval(() => {
      // decided after this turn's I/O (timers run first after a long analysis chunk, before the
      // audio that arrived meanwhile is read) and only with no datagram still queued on the UDP thread
      setImmediate(() => {
        const t = this.timeline
        if (this.closed || t.flushing || this.udp?.busy) return
        if (performance.now() - t.lastAudioAt > o.idleFlushMs) t.idle(performance.now())
      })
    }, Math.min(250, o.idleFlushMs))
    idle.unref()
    this.timers.push(idle)
  }

  private guard(fn: () => void): void {
    try {
      fn()
    } catch (err) {
      if (err instanceof IngestError) this.errors.report(err.code, err.message, 'api')
      else this.errors.report('internal', err instanceof Error ? err.message : String(err), 'api')
    }
  }

  private onError(info: BridgeEvents['error'][0]): void {
    this.emit('error', info)
    this.feed?.broadcast({ type: 'error', error: info })
  }

  /**
   * Sends what changed in the lyrics to the feed: at once, or (within LYRICS_THROTTLE_MS of the last
   * send) once at the end of the burst. Only the lines added or replaced since the last message go
   * out ('lyric-lines'); after a clear, every line ('lyrics'). One edit of a 2,000-line lyric track
   * sends one line, not the track.
   */
  private lyricsSoon(): void {
    if (this.lyricsTimer || this.closed) return
    const send = (): void => {
      this.lastLyricsAt = performance.now()
      const changes = this.lyricChanges
      this.lyricChanges = new Map()
      if (changes === null) this.feed.broadcast({ type: 'lyrics', lines: [...this.timeline.lyrics] })
      else if (changes.size > 0) this.feed.broadcast({ type: 'lyric-lines', lines: [...changes.values()] })
    }
    const wait = this.lastLyricsAt + LYRICS_THROTTLE_MS - performance.now()
    if (wait <= 0) return send()
    this.lyricsTimer = setTimeout(() => {
      this.lyricsTimer = null
      send()
    }, wait)
  }

  /** Sends a status message soon (throttled). */
  private statusSoon(): void {
    if (this.statusTimer || this.closed) return
    const wait = Math.max(0, this.lastStatusAt + this.options.statusThrottleMs - performance.now())
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null
      this.lastStatusAt = performance.now()
      const status = this.status()
      this.emit('status', status)
      this.feed.broadcast({ type: 'status', status })
    }, wait)
  }
}
