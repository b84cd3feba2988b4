/** Offline analysis of a whole song held in memory: windows, model, frames, sections, conflicts, summary. */
import { documentModelInfo, type WindowOutput } from '../engine/emotion-model.js'
import type { AnalysisModel } from '../engine/worker-model.js'
import { sliceLogMel } from '../engine/log-mel.js'
import { checkPcm } from './audio-checks.js'
import { smoothedCurve } from './smoothing.js'
import { buildFrame } from './frames.js'
import { lyricContext } from './lyric-context.js'
import { defaultPreset, type AnalysisPreset, type AudioPath } from './presets.js'
import { inProcessAnalysis, songOp, type AudioAnalysisRunner, type SongRequest } from './audio-analysis-ops.js'
import { analyzeTimeline } from './timeline.js'
import type { Analysis, LyricLine, SectionSpan } from './types.js'
import { planWindows } from './windows.js'

/** A step of an analysis, for progress bars. */
export type AnalysisProgress = { phase: 'features' | 'sections' | 'model' | 'summary'; done: number; total: number }

export type AnalyzePcmOptions = {
  /** Mono PCM at model.sampleRate. */
  pcm: Float32Array
  /** An EmotionModel, or a WorkerModel (the same calls from its own thread) */
  model: AnalysisModel
  /** Timed lyric lines, default none */
  lyrics?: LyricLine[]
  /** Section spans from a file; detected from the audio when empty. */
  spans?: SectionSpan[]
  /** Tempo in bpm from the user; measured when null. */
  tempo?: number | null
  preset?: AnalysisPreset
  /** Overrides the preset's audio path (benchmarks compare them). */
  audioPath?: AudioPath
  /** Audio source recorded in the document, default 'memory' */
  source?: string
  /** Where the song's sections and tempo are read (the analysis thread, beside the model's work); default this thread */
  runner?: AudioAnalysisRunner
  /** Windows per model call between progress reports, default 64 */
  progressEvery?: number
  onProgress?: (p: AnalysisProgress) => void
}

/** Analyses a whole song; the result is the Analysis document `emolane analyze` writes. */
export async function analyzePcm(options: AnalyzePcmOptions): Promise<Analysis> {
  const { pcm, model } = options
  const preset = options.preset ?? defaultPreset
  const lyrics = options.lyrics ?? []
  const progress = options.onProgress ?? (() => {})
  const every = options.progressEvery ?? 64
  const rate = model.sampleRate
  checkPcm(pcm, rate)
  const duration = pcm.length / rate
  const fps = model.framesPerSecond
  const stride = model.stride

  const givenTempo = options.tempo ?? null
  const given = options.spans && options.spans.length > 0 ? options.spans : null
  // sections and tempo are read from the audio alone: on the analysis thread they cost no wall time
  // while this thread runs the audio encoder (a thread that fails hands the work back here)
  const song: SongRequest = { pcm, sampleRate: rate, detect: given ? null : { minSectionSeconds: preset.minSectionSeconds }, tempo: givenTempo === null }
  const runner = options.runner ?? inProcessAnalysis
  const shared = runner === inProcessAnalysis || pcm.buffer instanceof SharedArrayBuffer
  const reading = runner.song(shared ? song : { ...song, pcm: pcm.slice() }).catch(() => songOp(song))
  reading.catch(() => undefined) // awaited below, after the encoder

  const plans = planWindows(duration, { window: model.windowSeconds, hop: preset.hopSeconds })
  const startFrame = (s: number) => Math.round(s * fps)
  // the long-stretch path slices encoder states, so window starts must fall on the state grid
  const aligned = plans.every((p) => startFrame(p.start) % stride === 0)
  const path: AudioPath = (options.audioPath ?? preset.audioPath) === 'fast' && aligned ? 'fast' : 'window'

  progress({ phase: 'features', done: 0, total: 1 })
  // an encoder whose states hear audio past their own (encoder_context) gets that much around every
  // window, silence past the song's ends, as live windows do
  const contextStates = model.manifest.audio.encoder_context ?? 0
  const context = contextStates * stride
  const firstFrame = Math.floor(startFrame(plans[0]!.start) / stride) * stride - context
  const lastFrame = startFrame(plans.at(-1)!.end) + context
  const mel = model.logMel(pcm, { firstFrame, frames: lastFrame - firstFrame })
  const states = path === 'fast' ? await model.encodeAudio(mel, firstFrame) : null
  progress({ phase: 'features', done: 1, total: 1 })

  progress({ phase: 'sections', done: 0, total: 1 })
  const read = await reading
  const spans = given ?? read.spans!
  progress({ phase: 'sections', done: 1, total: 1 })
  const contexts = plans.map((p) => lyricContext(lyrics, p.start, p.end, spans))

  const outputs: WindowOutput[] = []
  const floor = model.manifest.audio.log_floor
  for (let i = 0; i < plans.length; i += every) {
    const chunk = plans.slice(i, i + every)
    if (states) {
      outputs.push(...(await model.runStates(chunk.map((p, j) => ({ states: model.sliceStates(states, (startFrame(p.start) - firstFrame) / stride), lyrics: contexts[i + j]! })))))
    } else if (contextStates > 0) {
      // each window on its own with its context: the same states as the long-stretch path, at many times its cost
      const windows = []
      for (const [j, p] of chunk.entries()) {
        const from = startFrame(p.start) - firstFrame - context
        const around = await model.encodeAudio(sliceLogMel(mel, from, model.windowFrames + 2 * context, floor), firstFrame + from)
        windows.push({ states: model.sliceStates(around, contextStates), lyrics: contexts[i + j]! })
      }
      outputs.push(...(await model.runStates(windows)))
    } else {
      outputs.push(...(await model.run(chunk.map((p, j) => ({ logMel: sliceLogMel(mel, startFrame(p.start) - firstFrame, model.windowFrames, floor).data, lyrics: contexts[i + j]! })))))
    }
    progress({ phase: 'model', done: Math.min(plans.length, i + every), total: plans.length })
  }
  const frames = plans.map((p, i) => buildFrame(p, outputs[i]!))

  progress({ phase: 'summary', done: 0, total: 1 })
  const timeline = await analyzeTimeline({
    frames,
    spans,
    lyrics,
    tempo: givenTempo,
    duration,
    audio: (start, end) => pcm.subarray(Math.max(0, Math.floor(start * rate)), Math.min(pcm.length, Math.ceil(end * rate))),
    model,
    preset,
  })
  const tempo = givenTempo ?? read.tempoBpm
  progress({ phase: 'summary', done: 1, total: 1 })
  // `trained` rides along so that readers see an untrained export for what it is
  const info = documentModelInfo(model.info)
  return {
    schema: 'emolane.analysis/1',
    source: options.source ?? 'memory',
    model: info,
    window: model.windowSeconds,
    hop: preset.hopSeconds,
    duration,
    tempo,
    // a given tempo holds for the whole song; a measured one is a guess, not a map to write MIDI on
    ...(givenTempo !== null ? { tempoMap: [{ time: 0, bpm: givenTempo }] } : {}),
    frames,
    curve: smoothedCurve(frames, preset.smoothingSeconds),
    sections: timeline.sections,
    conflicts: timeline.conflicts,
    lyrics,
    summary: timeline.summary!,
    createdAt: new Date().toISOString(),
  }
}
