/** `emolane analyze` without the terminal: decode a file, read lyrics and sections, analyse. */
import { basename } from 'node:path'
import { AudioDecodeError, decodeAudioFile, type DecodedAudio } from '../audio/decode.js'
import { AnalysisThread } from './analysis-thread.js'
import { EmotionModel, type EmotionModelOptions, type EngineInfo } from '../engine/emotion-model.js'
import { loadManifest } from '../engine/manifest.js'
import { defaultModelDir } from '../engine/model-dir.js'
import type { AnalysisModel } from '../engine/worker-model.js'
import { loadLyrics, noLyricsWarning } from '../lyrics/index.js'
import { loadSections } from '../sections/index.js'
import { analyzePcm, type AnalysisProgress } from './analyze-audio.js'
import { loadPreset, type AnalysisPreset, type AudioPath } from './presets.js'
import type { Analysis } from './types.js'

export type AnalyzeFileOptions = {
  /** Timed or plain lyrics (LRC, SRT, VTT, .kar, UltraStar, text) */
  lyricsPath?: string
  /** Sections file (CSV/TSV, JSON, REAPER export, Audacity labels, MIDI markers) */
  sectionsPath?: string
  /** Text encoding label of the lyrics and sections files ('utf-8', 'windows-1252', 'latin1', ...); detected when absent */
  encoding?: string
  /** Tempo in bpm where known (also for REAPER measures.beats times) */
  tempo?: number
  /** Preset name or .json path, default 'default' */
  preset?: string | AnalysisPreset
  /** Overrides the preset's audio path */
  audioPath?: AudioPath
  /** A loaded model to reuse; otherwise one is loaded with `modelOptions` and closed after */
  model?: AnalysisModel
  modelOptions?: EmotionModelOptions
  /** Called with the engine once the model is loaded (which provider runs it, and why) */
  onModel?: (info: EngineInfo) => void
  onProgress?: (p: AnalysisProgress | { phase: 'decode' | 'load'; done: number; total: number }) => void
  /** Told about inputs that are accepted but probably not what was meant (an empty lyrics file) */
  onWarning?: (message: string) => void
}

/** Decodes `audioPath`, loads lyrics and sections, runs the model and returns the Analysis. */
export async function analyzeFile(audioPath: string, options: AnalyzeFileOptions = {}): Promise<Analysis> {
  const progress = options.onProgress ?? (() => {})
  const preset = typeof options.preset === 'object' ? options.preset : await loadPreset(options.preset ?? 'default')
  const rate = options.model?.sampleRate ?? (await loadManifest(options.modelOptions?.modelDir ?? defaultModelDir())).audio.sample_rate
  progress({ phase: 'decode', done: 0, total: 1 })
  // the file decodes on another thread while this one loads the model (onnxruntime opens its sessions
  // synchronously): a 3-minute song's decode costs no wall time; a bad input still fails within a second
  const thread = await AnalysisThread.start().catch(() => null)
  const decoding = decodeOn(thread, audioPath, rate)
  const loading = options.model ? Promise.resolve(options.model) : EmotionModel.load(options.modelOptions)
  // its failure is reported below, after the input's (a rejection nobody awaits yet would end the process)
  loading.catch(() => undefined)
  const loaded = !options.model
  let model: AnalysisModel | null = null
  try {
    const audio = await decoding
    progress({ phase: 'decode', done: 1, total: 1 })
    const spans = options.sectionsPath ? await loadSections(options.sectionsPath, { duration: audio.duration, tempo: options.tempo, encoding: options.encoding }) : []
    const lyrics = options.lyricsPath ? await loadLyrics(options.lyricsPath, { duration: audio.duration, sections: spans.length > 0 ? spans : undefined, encoding: options.encoding }) : []
    const empty = options.lyricsPath ? noLyricsWarning(options.lyricsPath, lyrics) : null
    if (empty) options.onWarning?.(empty)
    progress({ phase: 'load', done: 0, total: 1 })
    model = await loading
    progress({ phase: 'load', done: 1, total: 1 })
    options.onModel?.(model.info)
    return await analyzePcm({
      pcm: audio.pcm,
      model,
      lyrics,
      spans,
      tempo: options.tempo ?? null,
      preset,
      audioPath: options.audioPath,
      source: basename(audioPath),
      onProgress: progress,
      runner: thread ?? undefined,
    })
  } finally {
    await thread?.close()
    // a model loaded here is closed whatever happened, also when the input failed while it was loading
    if (loaded) await (model ?? (await loading.catch(() => null)))?.close()
  }
}

/** decodeAudioFile on the analysis thread; here where that thread cannot start or dies (its script missing, say). */
async function decodeOn(thread: AnalysisThread | null, path: string, sampleRate: number): Promise<DecodedAudio> {
  if (!thread) return decodeAudioFile(path, { sampleRate })
  try {
    return await thread.decode({ path, sampleRate })
  } catch (err) {
    if (err instanceof AudioDecodeError || err instanceof RangeError) throw err
    return decodeAudioFile(path, { sampleRate })
  }
}
