/**
 * The emotion model on onnxruntime-node: three graphs (text encoder, audio encoder, fusion) per
 * model/CONTRACT.md. Loads and checks the shipped files, picks an execution provider, caches lyric
 * encodings, batches windows, and offers two audio paths: per window (live) and over long stretches
 * that are then sliced (offline).
 */
import { sliceStates as sliceStateBlock } from './audio-states.js'
import type { Tensor } from 'onnxruntime-node'
import { join } from 'node:path'
import type { Arousal, ModelInfo, MoodWord, PolarityProbs, Valence } from '../analysis/types.js'
import { autoChoice, type Device, deviceReason, missingDriver } from './execution-provider.js'
import { LogMelExtractor, type LogMel, type LogMelRange } from './log-mel.js'
import { LruCache } from './lru-cache.js'
import { type GraphName, loadManifest, type ModelManifest, verifyModelFiles } from './manifest.js'
import { defaultModelDir } from './model-dir.js'
import type { VerifyMode } from './verified-files.js'
import { checkFinite, ModelOutputError, readHeads, wordMoods } from './model-outputs.js'
import { copyFrames, firstLine, openSessions, releaseAll, type Sessions, smokeTest, tensor } from './onnx-sessions.js'
import { WordPieceTokenizer } from './tokenizer.js'

/** One head's raw output for a window. */
export type HeadReading = { valence: Valence; arousal: Arousal; polarity: PolarityProbs }

/** A window for the per-window path: its log-mel and the lyric context sung in and around it. */
export type WindowInput = {
  /** [n_mels][windowFrames] row-major, raw ln(mel + floor) */
  logMel: Float32Array
  /** Lyric context (see analysis/lyric-context.ts); '' where nothing is sung. */
  lyrics: string
}

/** A window for the fast path: its slice of audio-encoder states and its lyric context. */
export type StatesWindowInput = {
  /** [M][dim] row-major frame states (M = windowFrames / encoder_stride) */
  states: Float32Array
  lyrics: string
}

/** The model's readings of one window. */
export type WindowOutput = {
  /** Fused (audio + lyrics) head. */
  fused: HeadReading
  /** Audio-only head. */
  audio: HeadReading
  /** Lyrics-only head; null when the context is empty. */
  lyrics: HeadReading | null
  /** Word-level moods of the lyric context, in text order (shared with the cache: do not mutate). */
  words: readonly MoodWord[]
}

/** A lyric context through the text encoder (cached per distinct text). */
export type LyricsEncoding = {
  text: string
  ids: number[]
  /** [L][dim] token states for fusion */
  tokenStates: Float32Array
  /** Lyrics-only head; null for an empty context. */
  reading: HeadReading | null
  /** Word moods (mean token_va over a word's pieces), text order; punctuation left out. */
  words: MoodWord[]
}

/** Audio-encoder states over a stretch of log-mel: state i covers frames [i*stride, (i+1)*stride) after `firstFrame`. */
export type AudioStates = {
  /** [count][dim] row-major */
  data: Float32Array
  count: number
  dim: number
  /** log-mel frame index (relative to the analysed signal) where state 0 starts */
  firstFrame: number
}

/** What runs the model, for status lines and the Analysis document. */
export type EngineInfo = ModelInfo & {
  trained: boolean
  /** What the caller asked for. */
  requested: Device
  /** Why the requested provider is not the one running; null when it is (or auto found one). */
  fallback: string | null
  /** Why this provider runs the model, in a few words (what was asked, what the machine has, what failed). */
  reason: string
}

/** The model as an Analysis document names it: the engine info without how the provider was chosen. */
export function documentModelInfo(info: EngineInfo): ModelInfo & { trained: boolean } {
  const { requested: _r, fallback: _f, reason: _w, ...model } = info
  return model
}

/** One line saying which provider runs the model and why, e.g. `device cpu (auto: no NVIDIA or Vulkan driver here)`. */
export function deviceLine(info: Pick<EngineInfo, 'device' | 'reason'>): string {
  return `device ${info.device} (${info.reason})`
}

export type EmotionModelOptions = {
  /** Folder with manifest.json, default $EMOLANE_MODEL_DIR or the package's model/ */
  modelDir?: string
  /** Execution provider, default 'auto' (best that loads here, else CPU) */
  device?: Device
  /** Distinct lyric contexts kept encoded, default 512 */
  lyricsCacheSize?: number
  /** Bytes of lyric encodings kept (token states, ids and word moods, as lyricsEncodingBytes counts them), default 4 MiB: about 140 contexts of 54 tokens, several songs' worth */
  lyricsCacheBytes?: number
  /** Reuse encodings of lyric contexts seen before, default true (false: the naive baseline the bench compares against) */
  cacheLyrics?: boolean
  /** Windows per fusion / audio-encoder run, default 16 */
  batchSize?: number
  /** Audio-encoder states per chunk on the long-stretch path, default 64 (32 s: the encoder's activations for a chunk stay within tens of MB) */
  chunkStates?: number
  /** States of context on each side of a chunk, default the manifest's encoder_context (exact: 4 for musicnn), else 12 (6 s) */
  chunkContextStates?: number
  /** onnxruntime intra-op threads, default onnxruntime's choice */
  threads?: number
  /** onnxruntime's threads busy-wait between runs, default false: on a machine shared with a DAW, spinning threads take CPU from everything else (and from our own main thread) for little gain */
  spinWait?: boolean
  /** When the graph files are hashed against the manifest, default 'changed' (only files changed since their last good check; see verified-files.ts); EMOLANE_VERIFY_MODEL=always overrides */
  verify?: VerifyMode
  /** Receives warnings (provider fallback, untrained weights); default console.warn */
  onWarning?: (message: string) => void
}

const defaults = {
  device: 'auto' as Device,
  lyricsCacheSize: 512,
  lyricsCacheBytes: 4 << 20,
  cacheLyrics: true,
  batchSize: 16,
  chunkStates: 64,
  spinWait: false,
  onWarning: (message: string) => console.warn(`emolane: ${message}`),
}

/** Bytes a lyric encoding holds, roughly as V8 stores it: token states (4 per float), ids and text (8 per entry), word moods (~64 per word). */
export function lyricsEncodingBytes(e: LyricsEncoding): number {
  return e.tokenStates.byteLength + 8 * e.ids.length + 2 * e.text.length + 64 * e.words.length + 256
}

/** The windows' log-mels as one array when they are back-to-back views filling a whole buffer, else null. */
function wholeBuffer(windows: readonly WindowInput[], size: number): Float32Array | null {
  const first = windows[0]?.logMel
  if (!first || first.byteOffset !== 0 || first.buffer.byteLength !== windows.length * size * 4) return null
  const ok = windows.every((w, i) => w.logMel.buffer === first.buffer && w.logMel.byteOffset === i * size * 4 && w.logMel.length === size)
  return ok ? new Float32Array(first.buffer as ArrayBuffer) : null
}

/** The loaded emotion model. Create with `EmotionModel.load()`; call `close()` when done. */
export class EmotionModel {
  readonly manifest: ModelManifest
  readonly tokenizer: WordPieceTokenizer
  readonly info: EngineInfo
  /** Fusion width D. */
  readonly dim: number
  /** log-mel frames per second (64). */
  readonly framesPerSecond: number
  /** log-mel frames per analysis window (384). */
  readonly windowFrames: number
  /** log-mel frames per audio-encoder state (32). */
  readonly stride: number
  /** Window length and hop from the manifest, seconds. */
  readonly windowSeconds: number
  readonly hopSeconds: number
  /** Model sample rate, Hz. */
  readonly sampleRate: number
  readonly frontEnd: LogMelExtractor
  private readonly sessions: Sessions
  private readonly options: EmotionModelOptions & typeof defaults
  private readonly lyricsCache: LruCache<string, LyricsEncoding>

  private constructor(manifest: ModelManifest, tokenizer: WordPieceTokenizer, sessions: Sessions, info: EngineInfo, options: EmotionModelOptions & typeof defaults) {
    this.manifest = manifest
    this.tokenizer = tokenizer
    this.sessions = sessions
    this.info = info
    this.options = options
    const a = manifest.audio
    this.dim = manifest.dim
    this.sampleRate = a.sample_rate
    this.framesPerSecond = a.sample_rate / a.hop
    this.windowSeconds = a.window_seconds
    this.hopSeconds = a.hop_seconds
    this.windowFrames = Math.round(a.window_seconds * this.framesPerSecond)
    this.stride = a.encoder_stride
    this.frontEnd = new LogMelExtractor(a)
    this.lyricsCache = new LruCache(options.lyricsCacheSize, options.lyricsCacheBytes, lyricsEncodingBytes)
  }

  /** Loads the manifest, checks every file's size and (when it changed since its last check) sha256, and opens the graphs on the chosen provider. */
  static async load(options: EmotionModelOptions = {}): Promise<EmotionModel> {
    const o = { ...defaults, ...options }
    const modelDir = o.modelDir ?? defaultModelDir()
    const manifest = await loadManifest(modelDir)
    await verifyModelFiles(modelDir, manifest, { verify: o.verify })
    const tokenizer = await WordPieceTokenizer.load(join(modelDir, manifest.text.tokenizer))
    const auto = o.device === 'auto' ? autoChoice() : null
    const candidates = auto?.candidates ?? [o.device as Exclude<Device, 'auto'>, ...(o.device === 'cpu' ? [] : (['cpu'] as const))]
    const failures: string[] = []
    for (const device of candidates) {
      const missing = missingDriver(device)
      if (missing) {
        failures.push(`${device}: ${missing}`)
        continue
      }
      let sessions: Sessions | undefined
      try {
        sessions = await openSessions(modelDir, manifest, device, o.threads, o.spinWait)
        await smokeTest(sessions, manifest)
      } catch (err) {
        if (sessions) await releaseAll(sessions)
        failures.push(`${device}: ${firstLine(err)}`)
        if (device === 'cpu') {
          throw new Error(`cannot run the model from ${modelDir} on any provider (${failures.join('; ')})`, { cause: err })
        }
        continue
      }
      const fallback = o.device !== 'auto' && device !== o.device ? `${o.device} did not load (${failures[0]}); running on ${device}` : null
      if (fallback) o.onWarning(fallback)
      if (!manifest.trained) o.onWarning(`model ${manifest.name} ${manifest.version} is an untrained export: its readings mean nothing yet`)
      const reason = deviceReason(o.device, device, failures, auto?.why)
      const info: EngineInfo = { name: manifest.name, version: manifest.version, preset: manifest.preset, device, trained: manifest.trained, requested: o.device, fallback, reason }
      return new EmotionModel(manifest, tokenizer, sessions, info, o)
    }
    throw new Error(`no execution provider to try for device ${o.device}`)
  }

  /** Log-mel of mono PCM at the model's sample rate (see LogMelRange for partial ranges). */
  logMel(pcm: Float32Array, range?: LogMelRange): LogMel {
    return this.frontEnd.compute(pcm, range)
  }

  /** Cache statistics for the lyric encoder. */
  get lyricsCacheStats(): { size: number; bytes: number; hits: number; misses: number } {
    return { size: this.lyricsCache.size, bytes: this.lyricsCache.bytes, hits: this.lyricsCache.hits, misses: this.lyricsCache.misses }
  }

  /** Runs the text encoder on one lyric context (cached). */
  async encodeLyrics(text: string): Promise<LyricsEncoding> {
    return (await this.encodeLyricsBatch([text]))[0]!
  }

  /** Runs the text encoder once per distinct uncached context, batched; returns one encoding per text. */
  async encodeLyricsBatch(texts: string[]): Promise<LyricsEncoding[]> {
    if (!this.options.cacheLyrics) {
      const out: LyricsEncoding[] = []
      for (let i = 0; i < texts.length; i += this.options.batchSize) out.push(...(await this.runTextEncoder(texts.slice(i, i + this.options.batchSize))))
      return out
    }
    const found = new Map<string, LyricsEncoding>()
    const missing: string[] = []
    for (const text of new Set(texts)) {
      const hit = this.lyricsCache.get(text)
      if (hit) found.set(text, hit)
      else missing.push(text)
    }
    for (let i = 0; i < missing.length; i += this.options.batchSize) {
      for (const enc of await this.runTextEncoder(missing.slice(i, i + this.options.batchSize))) {
        this.lyricsCache.set(enc.text, enc)
        found.set(enc.text, enc)
      }
    }
    return texts.map((t) => found.get(t)!)
  }

  /** Audio-encoder states for a stretch of log-mel (frames padded with silence to a multiple of the stride), chunked with context. */
  async encodeAudio(mel: LogMel, firstFrame = 0): Promise<AudioStates> {
    this.checkMel(mel)
    const stride = this.stride
    const count = Math.ceil(mel.frames / stride)
    const data = new Float32Array(count * this.dim)
    const { chunkStates } = this.options
    const ctx = this.options.chunkContextStates ?? this.manifest.audio.encoder_context ?? 12
    for (let core = 0; core < count; core += chunkStates) {
      const coreEnd = Math.min(count, core + chunkStates)
      const from = Math.max(0, core - ctx)
      const to = Math.min(count, coreEnd + ctx)
      const block = copyFrames(mel, from * stride, (to - from) * stride, Math.log(this.manifest.audio.log_floor))
      const out = await this.runGraph('audio_encoder', { log_mel: tensor('float32', block, [1, mel.mels, (to - from) * stride]) })
      const states = out.frame_states!
      const got = states.dims[1]
      if (got !== to - from) throw new ModelOutputError(`audio encoder returned ${got} states for ${(to - from) * stride} frames, expected ${to - from}`)
      const values = states.data as Float32Array
      data.set(values.subarray((core - from) * this.dim, (coreEnd - from) * this.dim), core * this.dim)
    }
    checkFinite(data, 'audio encoder frame_states')
    return { data, count, dim: this.dim, firstFrame }
  }

  /** Copies states [from, from + m) of a long-stretch encoding (zero states outside) for one window. */
  sliceStates(states: AudioStates, from: number, m = this.windowFrames / this.stride): Float32Array {
    return sliceStateBlock(states, from, m)
  }

  /** The per-window path: audio encoder on each window's log-mel, then fusion; batched. */
  async run(windows: WindowInput[]): Promise<WindowOutput[]> {
    const size = this.manifest.audio.n_mels * this.windowFrames
    windows.forEach((w, i) => {
      if (w.logMel.length !== size) {
        throw new RangeError(`window ${i}: expected log-mel of ${this.manifest.audio.n_mels}x${this.windowFrames} = ${size} values, got ${w.logMel.length}`)
      }
    })
    const m = this.windowFrames / this.stride
    const out: WindowOutput[] = []
    for (let i = 0; i < windows.length; i += this.options.batchSize) {
      const batch = windows.slice(i, i + this.options.batchSize)
      // windows already back to back in one buffer (the model thread receives a batch so) are used as they are
      let mel = wholeBuffer(batch, size)
      if (!mel) {
        mel = new Float32Array(batch.length * size)
        for (const [b, w] of batch.entries()) mel.set(w.logMel, b * size)
      }
      checkFinite(mel, 'log-mel input')
      const enc = await this.runGraph('audio_encoder', { log_mel: tensor('float32', mel, [batch.length, this.manifest.audio.n_mels, this.windowFrames]) })
      const states = enc.frame_states!.data as Float32Array
      checkFinite(states, 'audio encoder frame_states')
      const step = m * this.dim
      out.push(...(await this.runStates(batch.map((w, b) => ({ states: states.slice(b * step, (b + 1) * step), lyrics: w.lyrics })))))
    }
    return out
  }

  /** The fusion step for windows whose audio states are already known (the fast path); batched. */
  async runStates(windows: StatesWindowInput[]): Promise<WindowOutput[]> {
    const out: WindowOutput[] = []
    for (let i = 0; i < windows.length; i += this.options.batchSize) {
      const batch = windows.slice(i, i + this.options.batchSize)
      const m = batch[0]!.states.length / this.dim
      batch.forEach((w, b) => {
        if (w.states.length !== m * this.dim || !Number.isInteger(m) || m < 1) {
          throw new RangeError(`window ${i + b}: expected ${m}x${this.dim} frame states like the first of its batch, got ${w.states.length} values`)
        }
      })
      const lyrics = await this.encodeLyricsBatch(batch.map((w) => w.lyrics))
      const L = Math.max(...lyrics.map((e) => e.ids.length))
      const frame = new Float32Array(batch.length * m * this.dim)
      const tokens = new Float32Array(batch.length * L * this.dim)
      const mask = new BigInt64Array(batch.length * L)
      batch.forEach((w, b) => {
        frame.set(w.states, b * m * this.dim)
        const e = lyrics[b]!
        tokens.set(e.tokenStates, b * L * this.dim)
        for (let t = 0; t < e.ids.length; t++) mask[b * L + t] = 1n
      })
      const res = await this.runGraph('fusion', {
        frame_states: tensor('float32', frame, [batch.length, m, this.dim]),
        token_states: tensor('float32', tokens, [batch.length, L, this.dim]),
        attention_mask: tensor('int64', mask, [batch.length, L]),
      })
      const fused = readHeads(res.polarity!, res.va!, 'fusion')
      const audio = readHeads(res.audio_polarity!, res.audio_va!, 'fusion (audio head)')
      batch.forEach((_, b) => {
        const e = lyrics[b]!
        out.push({ fused: fused[b]!, audio: audio[b]!, lyrics: e.reading, words: e.words })
      })
    }
    return out
  }

  /** Releases the onnxruntime sessions. */
  async close(): Promise<void> {
    await releaseAll(this.sessions)
    this.lyricsCache.clear()
  }

  private async runTextEncoder(texts: string[]): Promise<LyricsEncoding[]> {
    const encodings = texts.map((t) => this.tokenizer.encodeWithWords(t))
    const L = Math.max(...encodings.map((e) => e.ids.length))
    const ids = new BigInt64Array(texts.length * L)
    const mask = new BigInt64Array(texts.length * L)
    encodings.forEach((e, b) => {
      e.ids.forEach((id, t) => {
        ids[b * L + t] = BigInt(id)
        mask[b * L + t] = 1n
      })
    })
    const res = await this.runGraph('text_encoder', {
      input_ids: tensor('int64', ids, [texts.length, L]),
      attention_mask: tensor('int64', mask, [texts.length, L]),
    })
    const states = res.token_states!.data as Float32Array
    const tokenVa = res.token_va!.data as Float32Array
    checkFinite(states, 'text encoder token_states')
    checkFinite(tokenVa, 'text encoder token_va')
    const heads = readHeads(res.lyrics_polarity!, res.lyrics_va!, 'text encoder')
    return encodings.map((e, b) => {
      const n = e.ids.length
      const empty = n <= 2
      return {
        text: texts[b]!,
        ids: e.ids,
        tokenStates: states.slice(b * L * this.dim, (b * L + n) * this.dim),
        reading: empty ? null : heads[b]!,
        words: wordMoods(e.words, e.wordOfToken, tokenVa.subarray(b * L * 2, (b * L + n) * 2)),
      }
    })
  }

  private async runGraph(name: GraphName, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    try {
      return (await this.sessions[name].run(feeds)) as Record<string, Tensor>
    } catch (cause) {
      const shapes = Object.entries(feeds).map(([k, t]) => `${k} [${t.dims.join(', ')}]`).join(', ')
      throw new Error(`${name} failed on ${this.info.device} with inputs ${shapes}: ${firstLine(cause)}`, { cause })
    }
  }

  private checkMel(mel: LogMel): void {
    if (mel.mels !== this.manifest.audio.n_mels || mel.data.length !== mel.mels * mel.frames) {
      throw new RangeError(`expected log-mel with ${this.manifest.audio.n_mels} mels, got ${mel.mels} mels and ${mel.data.length} values for ${mel.frames} frames`)
    }
    checkFinite(mel.data, 'log-mel input')
  }
}

export { ModelOutputError } from './model-outputs.js'
