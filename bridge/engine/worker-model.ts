/**
 * The emotion model on its own thread, for the live bridge: the same calls as EmotionModel (`run`,
 * `encodeLyrics`, `logMel`, `info`, ...), answered by an EmotionModel in a worker (model-worker.ts).
 * Log-mel and the tokenizer stay here (cheap, and the live timeline caches log-mel frames); the
 * onnxruntime runs and the lyric-encoding cache live in the worker. A worker that dies is started
 * again on the next call.
 */
import { sliceStates as sliceStateBlock } from './audio-states.js'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { AudioStates, EmotionModel, EmotionModelOptions, EngineInfo, LyricsEncoding, StatesWindowInput, WindowInput, WindowOutput } from './emotion-model.js'
import { LogMelExtractor, type LogMel, type LogMelRange } from './log-mel.js'
import type { ModelManifest } from './manifest.js'
import { ModelFilesError } from './manifest.js'
import { defaultModelDir } from './model-dir.js'
import { ModelOutputError } from './model-outputs.js'
import type { EncodeAudioRequest, RunRequest, RunStatesRequest } from './model-worker.js'
import { WordPieceTokenizer } from './tokenizer.js'
import { WorkerRpc } from './worker-rpc.js'
import { workerUrl } from './worker-script.js'

/** What the live bridge needs of a model: EmotionModel in-process, or WorkerModel. */
export type LiveModel = Pick<
  EmotionModel,
  'run' | 'encodeLyrics' | 'logMel' | 'manifest' | 'tokenizer' | 'info' | 'windowFrames' | 'windowSeconds' | 'hopSeconds' | 'sampleRate' | 'close'
>

/** What an offline analysis (analyzePcm) needs of a model: the live calls and the long-stretch path. */
export type AnalysisModel = LiveModel & Pick<EmotionModel, 'encodeAudio' | 'sliceStates' | 'runStates' | 'framesPerSecond' | 'stride'>

type LoadReply = { manifest: ModelManifest; info: EngineInfo }

const ERRORS = { ModelOutputError, ModelFilesError: ModelFilesError as unknown as new (message: string) => Error }

const warn = (message: string) => console.warn(`emolane: ${message}`)

/** The windows' log-mels when they are back-to-back views filling one buffer (as the live bridge builds a batch), else null. */
function backToBack(windows: readonly WindowInput[], size: number): Float32Array | null {
  const first = windows[0]?.logMel
  if (!first || first.byteOffset !== 0 || first.buffer.byteLength !== windows.length * size * 4) return null
  const ok = windows.every((w, i) => w.logMel.buffer === first.buffer && w.logMel.byteOffset === i * size * 4 && w.logMel.length === size)
  return ok ? new Float32Array(first.buffer as ArrayBuffer) : null
}

/** An EmotionModel answering from a worker thread. Create with `WorkerModel.load()`; `close()` ends the thread. */
export class WorkerModel implements AnalysisModel {
  readonly manifest: ModelManifest
  readonly tokenizer: WordPieceTokenizer
  readonly info: EngineInfo
  readonly windowFrames: number
  readonly windowSeconds: number
  readonly hopSeconds: number
  readonly sampleRate: number
  /** log-mel frames per second and per audio-encoder state; fusion width. */
  readonly framesPerSecond: number
  readonly stride: number
  readonly dim: number
  readonly frontEnd: LogMelExtractor
  private rpc: WorkerRpc
  private restarting: Promise<WorkerRpc> | null = null
  private closed = false

  private constructor(
    rpc: WorkerRpc,
    reply: LoadReply,
    tokenizer: WordPieceTokenizer,
    private readonly load: () => Promise<{ rpc: WorkerRpc; reply: LoadReply }>,
  ) {
    this.rpc = rpc
    this.manifest = reply.manifest
    this.info = reply.info
    this.tokenizer = tokenizer
    const a = reply.manifest.audio
    this.sampleRate = a.sample_rate
    this.windowSeconds = a.window_seconds
    this.hopSeconds = a.hop_seconds
    this.framesPerSecond = a.sample_rate / a.hop
    this.windowFrames = Math.round(a.window_seconds * this.framesPerSecond)
    this.stride = a.encoder_stride
    this.dim = reply.manifest.dim
    this.frontEnd = new LogMelExtractor(a)
  }

  /** Starts the model thread and loads the model there (checksums, provider choice and fallback as EmotionModel.load). */
  static async load(options: EmotionModelOptions = {}): Promise<WorkerModel> {
    const { onWarning = warn, ...rest } = options
    // the worker resolves the same folder and provider list this thread would
    const wanted = { ...rest, modelDir: rest.modelDir ?? defaultModelDir() }
    const start = async (): Promise<{ rpc: WorkerRpc; reply: LoadReply }> => {
      const worker = new Worker(await workerUrl('model-worker'), { name: 'emolane-model', resourceLimits: { maxYoungGenerationSizeMb: 4 } })
      const rpc = new WorkerRpc(worker, 'model thread', ERRORS, (n) => onWarning(n.message))
      try {
        return { rpc, reply: await rpc.call<LoadReply>('load', wanted) }
      } catch (err) {
        await rpc.close()
        throw err
      }
    }
    const { rpc, reply } = await start()
    try {
      const tokenizer = await WordPieceTokenizer.load(join(wanted.modelDir, reply.manifest.text.tokenizer))
      return new WorkerModel(rpc, reply, tokenizer, start)
    } catch (err) {
      await rpc.call('close', null).catch(() => undefined)
      await rpc.close()
      throw err
    }
  }

  /** Log-mel of mono PCM at the model's rate, computed on this thread. */
  logMel(pcm: Float32Array, range?: LogMelRange): LogMel {
    return this.frontEnd.compute(pcm, range)
  }

  /** The per-window path, batched, in the model thread. The log-mels are copied (the caller's arrays stay usable). */
  async run(windows: WindowInput[]): Promise<WindowOutput[]> {
    const size = this.manifest.audio.n_mels * this.windowFrames
    windows.forEach((w, i) => {
      if (w.logMel.length !== size) throw new RangeError(`window ${i}: expected log-mel of ${this.manifest.audio.n_mels}x${this.windowFrames} = ${size} values, got ${w.logMel.length}`)
    })
    if (windows.length === 0) return []
    const lyrics = windows.map((w) => w.lyrics)
    const shared = backToBack(windows, size)
    if (shared) return (await this.worker()).call<WindowOutput[]>('run', { mel: shared, size, lyrics } satisfies RunRequest) // copied by postMessage
    const mel = new Float32Array(size * windows.length)
    windows.forEach((w, i) => mel.set(w.logMel, i * size))
    return (await this.worker()).call<WindowOutput[]>('run', { mel, size, lyrics } satisfies RunRequest, [mel.buffer])
  }

  /** Audio-encoder states for a stretch of log-mel (the long-stretch path), in the model thread. */
  async encodeAudio(mel: LogMel, firstFrame = 0): Promise<AudioStates> {
    const request: EncodeAudioRequest = { data: mel.data.slice(), frames: mel.frames, mels: mel.mels, firstFrame }
    return (await this.worker()).call<AudioStates>('encodeAudio', request, [request.data.buffer as ArrayBuffer])
  }

  /** Copies states [from, from + m) of a long-stretch encoding (zero states outside) for one window. */
  sliceStates(states: AudioStates, from: number, m = this.windowFrames / this.stride): Float32Array {
    return sliceStateBlock(states, from, m)
  }

  /** The fusion step for windows whose audio states are known, in the model thread. */
  async runStates(windows: StatesWindowInput[]): Promise<WindowOutput[]> {
    if (windows.length === 0) return []
    const size = windows[0]!.states.length
    windows.forEach((w, i) => {
      if (w.states.length !== size) throw new RangeError(`window ${i}: expected ${size} state values like the first window, got ${w.states.length}`)
    })
    const states = new Float32Array(size * windows.length)
    windows.forEach((w, i) => states.set(w.states, i * size))
    const request: RunStatesRequest = { states, size, lyrics: windows.map((w) => w.lyrics) }
    return (await this.worker()).call<WindowOutput[]>('runStates', request, [states.buffer])
  }

  /** Runs the text encoder on one lyric context (cached in the model thread). */
  async encodeLyrics(text: string): Promise<LyricsEncoding> {
    return (await this.encodeLyricsBatch([text]))[0]!
  }

  /** Runs the text encoder on several lyric contexts in batches (cached in the model thread). */
  async encodeLyricsBatch(texts: string[]): Promise<LyricsEncoding[]> {
    return (await this.worker()).call<LyricsEncoding[]>('encodeLyrics', texts)
  }

  /** Cache statistics of the lyric encoder (in the model thread). */
  async lyricsCacheStats(): Promise<{ size: number; bytes: number; hits: number; misses: number }> {
    return (await this.worker()).call('stats', null)
  }

  /** Releases the sessions and ends the thread. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    const rpc = this.restarting ? await this.restarting.catch(() => this.rpc) : this.rpc
    if (!rpc.dead) await rpc.call('close', null).catch(() => undefined)
    await rpc.close()
  }

  /** The running worker; one that died is replaced (the model loaded again) first. */
  private async worker(): Promise<WorkerRpc> {
    if (this.closed) throw new Error('the model was closed')
    if (!this.rpc.dead) return this.rpc
    this.restarting ??= this.load().then(
      ({ rpc }) => {
        this.restarting = null
        if (this.closed) void rpc.close()
        return (this.rpc = rpc)
      },
      (err) => {
        this.restarting = null
        throw new Error(`the model thread stopped and could not be started again: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
      },
    )
    return this.restarting
  }
}
