/**
 * The model's compute per second of audio on each path, counted from its three graphs at the
 * shapes the bridge feeds them, and the CPU time per operator type inside them.
 */
import { join } from 'node:path'
import ort from 'onnxruntime-node'
import type { Tensor } from 'onnxruntime-node'
import type { ModelManifest } from '../bridge/engine/manifest.js'
import { countFlops, type Flops, profileGraph, timeByOp } from './flops.js'
import { round } from './stats.js'

/** The engine's long-stretch chunking (emotion-model.ts defaults: 240 states per chunk, 12 of context each side). */
export const CHUNK = { states: 240, context: 12 }

/** FLOPs of one call of each graph at the bench song's shapes. */
export type GraphFlops = {
  /** Audio encoder on one 6 s window (the live, per-window path). */
  audioWindow: Flops
  /** Audio encoder per second over a long stretch (the offline path), chunk context included. */
  audioLongPerSecond: Flops
  /** Fusion for one window with a lyric context of the song's mean length. */
  fusionWindow: Flops
  /** Text encoder for one lyric context of the song's mean length. */
  textContext: Flops
}

/** FLOPs per second of audio for each way of running the model. */
export type PathFlops = { optimised: Flops; perWindow: Flops; naive: Flops }

/** What compute the model needs, and where CPU time goes inside it. */
export type ModelCompute = {
  graphs: GraphFlops
  perAudioSecond: PathFlops
  /** Operator types by CPU kernel time (optimised graphs, median of 5 runs), ms per call. */
  cpuTimeByOp: Record<'audioWindow' | 'fusionWindow' | 'textContext', { op: string; ms: number }[]>
}

const zeros = (dims: number[]): Float32Array => new Float32Array(dims.reduce((a, b) => a * b, 1)).map((_, i) => Math.sin(i) * 0.5)
const f32 = (dims: number[]): Tensor => new ort.Tensor('float32', zeros(dims), dims) as Tensor
const ids = (dims: number[], value: bigint): Tensor => new ort.Tensor('int64', new BigInt64Array(dims.reduce((a, b) => a * b, 1)).fill(value), dims) as Tensor

/** Audio-encoder states run per state used, for a song of `states` states (chunk context on both sides). */
export function chunkOverhead(states: number, chunk = CHUNK): number {
  let run = 0
  for (let core = 0; core < states; core += chunk.states) {
    run += Math.min(states, core + chunk.states + chunk.context) - Math.max(0, core - chunk.context)
  }
  return states > 0 ? run / states : 1
}

/**
 * Counts the graphs' FLOPs (as exported) and times their operators (as optimised) on the CPU.
 * `tokens`: mean lyric-context length; `contextsPerSecond`: distinct contexts encoded per second of
 * song with the cache (every window's context without it); `songStates`: encoder states of the song.
 */
export async function modelCompute(modelDir: string, manifest: ModelManifest, song: { tokens: number; contextsPerSecond: number; songStates: number }): Promise<ModelCompute> {
  const a = manifest.audio
  const D = manifest.dim
  const windowFrames = Math.round(a.window_seconds * (a.sample_rate / a.hop))
  const m = windowFrames / a.encoder_stride
  const L = Math.max(2, Math.round(song.tokens))
  const path = (name: keyof ModelManifest['files']): string => join(modelDir, manifest.files[name].path)
  const longSeconds = 60
  const longFrames = Math.round((longSeconds * a.sample_rate) / a.hop / a.encoder_stride) * a.encoder_stride

  const feeds = {
    audioWindow: { log_mel: f32([1, a.n_mels, windowFrames]) },
    audioLong: { log_mel: f32([1, a.n_mels, longFrames]) },
    fusionWindow: { frame_states: f32([1, m, D]), token_states: f32([1, L, D]), attention_mask: ids([1, L], 1n) },
    textContext: { input_ids: ids([1, L], 5n), attention_mask: ids([1, L], 1n) },
  }
  const flops = async (file: string, f: Record<string, Tensor>): Promise<Flops> => countFlops(await profileGraph(file, f, { warmup: 0 })).total
  const audioLong = await flops(path('audio_encoder'), feeds.audioLong)
  const graphs: GraphFlops = {
    audioWindow: await flops(path('audio_encoder'), feeds.audioWindow),
    audioLongPerSecond: (audioLong / (longFrames / (a.sample_rate / a.hop))) * chunkOverhead(song.songStates),
    fusionWindow: await flops(path('fusion'), feeds.fusionWindow),
    textContext: await flops(path('text_encoder'), feeds.textContext),
  }
  const windowsPerSecond = 1 / a.hop_seconds
  const perAudioSecond: PathFlops = {
    optimised: graphs.audioLongPerSecond + windowsPerSecond * graphs.fusionWindow + song.contextsPerSecond * graphs.textContext,
    perWindow: windowsPerSecond * (graphs.audioWindow + graphs.fusionWindow) + song.contextsPerSecond * graphs.textContext,
    naive: windowsPerSecond * (graphs.audioWindow + graphs.fusionWindow + graphs.textContext),
  }
  const opTime = async (file: string, f: Record<string, Tensor>): Promise<{ op: string; ms: number }[]> => {
    const runs = 5
    const nodes = await profileGraph(file, f, { optimization: 'all', warmup: 2, runs })
    return timeByOp(nodes)
      .slice(0, 6)
      .map(([op, us]) => ({ op, ms: round(us / 1000, 3) }))
  }
  return {
    graphs,
    perAudioSecond,
    cpuTimeByOp: {
      audioWindow: await opTime(path('audio_encoder'), feeds.audioWindow),
      fusionWindow: await opTime(path('fusion'), feeds.fusionWindow),
      textContext: await opTime(path('text_encoder'), feeds.textContext),
    },
  }
}
