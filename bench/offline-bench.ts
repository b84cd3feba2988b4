/**
 * Offline analysis (`emolane analyze`) of the bench song: cold start in a fresh process, warm runs
 * in this one, the naive path and one-switch-off variants against the optimised path, and a
 * timing per stage of the optimised path.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { analyzeFile } from '../bridge/analysis/analyze-file.js'
import { analyzePcm } from '../bridge/analysis/analyze-audio.js'
import { buildFrame } from '../bridge/analysis/frames.js'
import { lyricContext } from '../bridge/analysis/lyric-context.js'
import { defaultPreset, type AudioPath } from '../bridge/analysis/presets.js'
import { estimateTempo } from '../bridge/analysis/tempo.js'
import { analyzeTimeline } from '../bridge/analysis/timeline.js'
import type { LyricLine, SectionSpan } from '../bridge/analysis/types.js'
import { planWindows } from '../bridge/analysis/windows.js'
import { decodeAudioFile } from '../bridge/audio/decode.js'
import { EmotionModel, type EmotionModelOptions } from '../bridge/engine/emotion-model.js'
import { sliceLogMel } from '../bridge/engine/log-mel.js'
import { WorkerModel, type AnalysisModel } from '../bridge/engine/worker-model.js'
import { loadLyrics } from '../bridge/lyrics/index.js'
import { loadSections } from '../bridge/sections/index.js'
import { cliPath } from './serve-process.js'
import type { BenchSong } from './song.js'
import { median, ratio, round } from './stats.js'

const run = promisify(execFile)

/** A way of running the model offline: engine options plus the audio path. */
export type Variant = { name: string; description: string; model: EmotionModelOptions; audioPath: AudioPath }

/** The optimised path (the defaults) and the baselines, each with one or all optimisations off. */
export const VARIANTS: Variant[] = [
  { name: 'optimised', description: 'lyric cache, batches of 16, audio encoded over long stretches then sliced, threads sleep when idle', model: {}, audioPath: 'fast' },
  { name: 'naive', description: "no lyric cache, one window at a time, audio encoded per window, onnxruntime's default spinning threads", model: { cacheLyrics: false, batchSize: 1, spinWait: true }, audioPath: 'window' },
  { name: 'no-lyric-cache', description: 'optimised, but every window encodes its lyrics anew', model: { cacheLyrics: false }, audioPath: 'fast' },
  { name: 'unbatched', description: 'optimised, but one window per model run', model: { batchSize: 1 }, audioPath: 'fast' },
  { name: 'per-window-audio', description: 'optimised, but the audio encoder runs on each 6 s window', model: {}, audioPath: 'window' },
  { name: 'spin-wait', description: "optimised, but onnxruntime's threads busy-wait between parallel sections (onnxruntime's default)", model: { spinWait: true }, audioPath: 'fast' },
]

/** One timed analysis of the song with a fresh, warmed-up model. */
export type VariantRun = {
  variant: string
  /** Provider that ran it. */
  device: string
  seconds: number
  /** Seconds of audio per second of analysis. */
  xRealTime: number
  /** Lyric contexts encoded (cache misses) and cache hits during the analysis; null without the cache (every window encodes its own). */
  textEncodings: number | null
  cacheHits: number | null
}

/** Offline results. */
export type OfflineResult = {
  device: string
  songSeconds: number
  cold: { runsMs: number[]; medianMs: number; xRealTime: number }
  warm: {
    loadMs: number
    /** First analysis of this song by a warmed-up model (lyric cache cold for its lines): the goal's figure. */
    newSongMs: number
    newSongXRealTime: number
    /** The same song again in the same process (its lyric contexts cached), median. */
    repeatMs: number
    repeatXRealTime: number
  }
  /** Every baseline and optimised run, in the order run. */
  runs: VariantRun[]
  /** Variant time / optimised time (the mean of the optimised runs just before and after it). */
  speedups: Record<string, number | null>
  /** The optimised analysis with the model on a worker thread (WorkerModel, as the live bridge runs it) instead of in-process. */
  modelThread: VariantRun | null
  /** Milliseconds per stage of the optimised path (fresh model), and their sum against the whole. */
  stagesMs: Record<string, number>
  /** Per-window path costs (the live bridge's): one window, ms. */
  perWindowMs: { logMel: number; modelBatch1: number; modelBatch8PerWindow: number; fusionOnlyBatch1: number }
  /** Distinct lyric contexts in the song (text-encoder runs with the cache). */
  distinctContexts: number
  windows: number
  meanContextTokens: number
}

const WARMUP_LYRICS: LyricLine[] = [
  { start: 0.5, end: 4, text: 'warming up the engine with a line' },
  { start: 4, end: 8, text: 'and another line to warm the text encoder' },
]

/** Loads a model and runs it once on 12 s of the song without its lyrics, so that onnxruntime's first-run costs are paid. */
async function warmModel(options: EmotionModelOptions, pcm: Float32Array, audioPath: AudioPath): Promise<EmotionModel> {
  const model = await EmotionModel.load({ ...options, onWarning: () => {} })
  await warmUp(model, pcm, audioPath)
  return model
}

async function warmUp(model: AnalysisModel, pcm: Float32Array, audioPath: AudioPath): Promise<void> {
  await analyzePcm({ pcm: pcm.subarray(0, 12 * model.sampleRate), model, lyrics: WARMUP_LYRICS, spans: [], preset: defaultPreset, audioPath })
}

/** The optimised analysis with the model on its own thread (WorkerModel), warmed up the same way. */
export async function timeModelThreadOnce(song: BenchSong, pcm: Float32Array, device: string): Promise<VariantRun> {
  const m = await WorkerModel.load({ device: device as EmotionModelOptions['device'], onWarning: () => {} })
  try {
    await warmUp(m, pcm, 'fast')
    const before = await m.lyricsCacheStats()
    const t = performance.now()
    await analyzeFile(song.wav, { lyricsPath: song.lrc, sectionsPath: song.sections, model: m, audioPath: 'fast' })
    const ms = performance.now() - t
    const after = await m.lyricsCacheStats()
    const duration = pcm.length / m.sampleRate
    return { variant: 'model-thread', device: m.info.device, seconds: round(ms / 1000, 3), xRealTime: round(duration / (ms / 1000), 1), textEncodings: after.misses - before.misses, cacheHits: after.hits - before.hits }
  } finally {
    await m.close()
  }
}

/** Runs the offline measurements. */
export async function runOffline(song: BenchSong, device: string, log: (line: string) => void = () => {}): Promise<OfflineResult> {
  const files = { lyricsPath: song.lrc, sectionsPath: song.sections }
  const decoded = await decodeAudioFile(song.wav, { sampleRate: 16_000 })
  const duration = decoded.duration

  // cold: a fresh `emolane analyze` process, start to exit
  log('  offline: cold start (emolane analyze in a new process) x2')
  const coldRuns: number[] = []
  for (let i = 0; i < 2; i++) {
    const t = performance.now()
    await run(process.execPath, [cliPath(), 'analyze', song.wav, '--lyrics', song.lrc, '--sections', song.sections, '--device', device, '--quiet', '--out', join(song.wav, '..', 'cold.json')], { maxBuffer: 1 << 24 })
    coldRuns.push(performance.now() - t)
  }

  // warm: one model, a warm-up, this song once (new song), then again (its lyrics cached)
  log('  offline: warm runs in this process')
  const loadStart = performance.now()
  const model = await EmotionModel.load({ device: device as EmotionModelOptions['device'], onWarning: () => {} })
  const loadMs = performance.now() - loadStart
  await analyzePcm({ pcm: decoded.pcm.subarray(0, 12 * 16_000), model, lyrics: WARMUP_LYRICS, spans: [], preset: defaultPreset })
  const timeFile = async (m: EmotionModel, audioPath?: AudioPath): Promise<number> => {
    const t = performance.now()
    await analyzeFile(song.wav, { ...files, model: m, audioPath })
    return performance.now() - t
  }
  const newSongMs = await timeFile(model)
  const repeats: number[] = []
  for (let i = 0; i < 3; i++) repeats.push(await timeFile(model))
  const actualDevice = model.info.device

  // per-window path costs (what the live bridge pays per hop)
  const mel = model.logMel(decoded.pcm.subarray(0, 30 * 16_000))
  const floor = model.manifest.audio.log_floor
  const windowMel = sliceLogMel(mel, 640, model.windowFrames, floor).data
  const lyricsText = 'Sunshine in the morning, I\'m dancing down the street\nEvery friend I meet today is smiling back at me'
  const timeMedian = async (n: number, fn: () => Promise<unknown> | unknown): Promise<number> => {
    const ts: number[] = []
    for (let i = 0; i < n; i++) {
      const t = performance.now()
      await fn()
      ts.push(performance.now() - t)
    }
    return median(ts)!
  }
  const pcmWindow = decoded.pcm.subarray(10 * 16_000, 16 * 16_000 + 1024)
  const perWindowMs = {
    logMel: round(await timeMedian(20, () => model.logMel(pcmWindow, { firstFrame: 1, frames: model.windowFrames })), 2),
    modelBatch1: round(await timeMedian(20, () => model.run([{ logMel: windowMel, lyrics: lyricsText }])), 2),
    modelBatch8PerWindow: round((await timeMedian(10, () => model.run(Array.from({ length: 8 }, () => ({ logMel: windowMel, lyrics: lyricsText }))))) / 8, 2),
    fusionOnlyBatch1: 0,
  }
  const states = await model.encodeAudio(mel)
  perWindowMs.fusionOnlyBatch1 = round(await timeMedian(20, () => model.runStates([{ states: model.sliceStates(states, 20), lyrics: lyricsText }])), 2)
  await model.close()

  // stages of the optimised path, with a fresh (warmed) model so that the text encoder runs as for a new song
  log('  offline: time per stage of the optimised path')
  const stages = await timeStages(song, device, decoded.pcm)

  // baselines: each variant with a fresh warmed model, bracketed by optimised runs
  const runs: VariantRun[] = []
  const timeVariant = async (v: Variant): Promise<VariantRun> => {
    log(`  offline: ${v.name} (${v.description})`)
    const r = await timeVariantOnce(song, decoded.pcm, v, device)
    runs.push(r)
    return r
  }
  const [optimised, ...others] = VARIANTS
  const speedups: Record<string, number | null> = {}
  let prev = await timeVariant(optimised!)
  for (const v of others) {
    const r = await timeVariant(v)
    const next = await timeVariant(optimised!)
    speedups[v.name] = ratio(r.seconds, (prev.seconds + next.seconds) / 2)
    prev = next
  }
  log('  offline: optimised with the model on its own thread (WorkerModel, as the live bridge)')
  const modelThread = await timeModelThreadOnce(song, decoded.pcm, device)
  runs.push(modelThread)
  const after = await timeVariant(optimised!)
  speedups['model-thread'] = ratio(modelThread.seconds, (prev.seconds + after.seconds) / 2)
  const optRuns = runs.filter((r) => r.variant === 'optimised')
  const textRuns = optRuns.map((r) => r.textEncodings ?? 0)

  return {
    device: actualDevice,
    songSeconds: round(duration, 2),
    cold: { runsMs: coldRuns.map((v) => Math.round(v)), medianMs: Math.round(median(coldRuns)!), xRealTime: round(duration / (median(coldRuns)! / 1000), 1) },
    warm: {
      loadMs: Math.round(loadMs),
      newSongMs: Math.round(newSongMs),
      newSongXRealTime: round(duration / (newSongMs / 1000), 1),
      repeatMs: Math.round(median(repeats)!),
      repeatXRealTime: round(duration / (median(repeats)! / 1000), 1),
    },
    runs,
    speedups,
    modelThread,
    stagesMs: stages.ms,
    perWindowMs,
    distinctContexts: Math.max(...textRuns),
    windows: stages.windows,
    meanContextTokens: stages.meanTokens,
  }
}

/** One analysis of the song by a fresh model with the variant's options, warmed up on 12 s of it first. */
export async function timeVariantOnce(song: BenchSong, pcm: Float32Array, v: Variant, device: string): Promise<VariantRun> {
  const m = await warmModel({ ...v.model, device: device as EmotionModelOptions['device'] }, pcm, v.audioPath)
  try {
    const before = m.lyricsCacheStats
    const t = performance.now()
    await analyzeFile(song.wav, { lyricsPath: song.lrc, sectionsPath: song.sections, model: m, audioPath: v.audioPath })
    const ms = performance.now() - t
    const after = m.lyricsCacheStats
    const duration = pcm.length / m.sampleRate
    return { variant: v.name, device: m.info.device, seconds: round(ms / 1000, 3), xRealTime: round(duration / (ms / 1000), 1), ...(v.model.cacheLyrics === false ? { textEncodings: null, cacheHits: null } : { textEncodings: after.misses - before.misses, cacheHits: after.hits - before.hits }) }
  } finally {
    await m.close()
  }
}

/** analyzeFile's steps one by one (as analyze-file.ts and analyze-audio.ts run them), timed. */
async function timeStages(song: BenchSong, device: string, pcmForWarmup: Float32Array): Promise<{ ms: Record<string, number>; windows: number; meanTokens: number }> {
  const model = await warmModel({ device: device as EmotionModelOptions['device'] }, pcmForWarmup, 'fast')
  const ms: Record<string, number> = {}
  const time = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
    const t = performance.now()
    const v = await fn()
    ms[name] = round(performance.now() - t, 1)
    return v
  }
  const whole = performance.now()
  const audio = await time('decode', () => decodeAudioFile(song.wav, { sampleRate: model.sampleRate }))
  const { spans, lyrics } = await time('read lyrics and sections', async () => {
    const spans: SectionSpan[] = await loadSections(song.sections, { duration: audio.duration })
    const lyrics = await loadLyrics(song.lrc, { duration: audio.duration, sections: spans })
    return { spans, lyrics }
  })
  const fps = model.framesPerSecond
  const plans = planWindows(audio.duration, { window: model.windowSeconds, hop: defaultPreset.hopSeconds })
  const contexts = await time('lyric contexts', () => plans.map((p) => lyricContext(lyrics, p.start, p.end, spans)))
  const startFrame = (s: number): number => Math.round(s * fps)
  const firstFrame = Math.floor(startFrame(plans[0]!.start) / model.stride) * model.stride
  const mel = await time('log-mel', () => model.logMel(audio.pcm, { firstFrame, frames: startFrame(plans.at(-1)!.end) - firstFrame }))
  const states = await time('audio encoder', () => model.encodeAudio(mel, firstFrame))
  const distinct = [...new Set(contexts)]
  await time('text encoder', () => model.encodeLyricsBatch(distinct))
  const outputs = await time('fusion', async () => {
    const out = []
    for (let i = 0; i < plans.length; i += 64) {
      const chunk = plans.slice(i, i + 64)
      out.push(...(await model.runStates(chunk.map((p, j) => ({ states: model.sliceStates(states, (startFrame(p.start) - firstFrame) / model.stride), lyrics: contexts[i + j]! })))))
    }
    return out
  })
  const frames = plans.map((p, i) => buildFrame(p, outputs[i]!))
  const rate = model.sampleRate
  await time('sections, cues, conflicts, summary', () =>
    analyzeTimeline({
      frames,
      spans,
      lyrics,
      tempo: null,
      duration: audio.duration,
      audio: (s, e) => audio.pcm.subarray(Math.max(0, Math.floor(s * rate)), Math.min(audio.pcm.length, Math.ceil(e * rate))),
      model,
      preset: defaultPreset,
    }),
  )
  await time('tempo estimate', () => estimateTempo(audio.pcm, rate))
  ms.total = round(performance.now() - whole, 1)
  const tokens = distinct.map((c) => model.tokenizer.encodeWithWords(c).ids.length)
  await model.close()
  return { ms, windows: plans.length, meanTokens: round(tokens.reduce((s, n) => s + n, 0) / tokens.length, 1) }
}
