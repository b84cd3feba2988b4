/** onnxruntime sessions for the three graphs: open on one provider, smoke-test, release; tensors and copies. */
import type { InferenceSession, Tensor } from 'onnxruntime-node'
import { join } from 'node:path'
import { type Device, sessionOptions } from './execution-provider.js'
import type { LogMel } from './log-mel.js'
import type { GraphName, ModelManifest } from './manifest.js'
import { checkFinite, ModelOutputError } from './model-outputs.js'
import { loadOrt, ortLoaded } from './ort.js'

/** One open session per graph. */
export type Sessions = Record<GraphName, InferenceSession>

/** An onnxruntime tensor of float32 or int64 values. */
export function tensor(type: 'float32', data: Float32Array, dims: number[]): Tensor
export function tensor(type: 'int64', data: BigInt64Array, dims: number[]): Tensor
export function tensor(type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: number[]): Tensor {
  return new (ortLoaded().Tensor)(type, data, dims) as Tensor
}

/** Frames [from, from + count) of a log-mel as a new [mels][count] block, `silence` outside. */
export function copyFrames(mel: LogMel, from: number, count: number, silence: number): Float32Array {
  const out = new Float32Array(mel.mels * count).fill(silence)
  const lo = Math.max(0, from)
  const hi = Math.min(mel.frames, from + count)
  if (hi <= lo) return out
  for (let m = 0; m < mel.mels; m++) {
    out.set(mel.data.subarray(m * mel.frames + lo, m * mel.frames + hi), m * count + (lo - from))
  }
  return out
}

/** Opens the three graphs on one provider (all or none). */
export async function openSessions(modelDir: string, manifest: ModelManifest, device: Exclude<Device, 'auto'>, threads?: number, spinWait = true): Promise<Sessions> {
  const ort = await loadOrt()
  const opened: Partial<Sessions> = {}
  try {
    for (const name of ['text_encoder', 'audio_encoder', 'fusion'] as const) {
      const path = join(modelDir, manifest.files[name].path)
      try {
        opened[name] = await ort.InferenceSession.create(path, sessionOptions(device, threads, spinWait))
      } catch (cause) {
        throw new Error(`cannot open ${path} on ${device}: ${firstLine(cause)}`, { cause })
      }
    }
  } catch (err) {
    await releaseAll(opened)
    throw err
  }
  return opened as Sessions
}

/** One tiny batch through every graph: a provider that loads but cannot run is caught here. */
export async function smokeTest(sessions: Sessions, manifest: ModelManifest): Promise<void> {
  const D = manifest.dim
  const stride = manifest.audio.encoder_stride
  const ids = BigInt64Array.from([2n, 3n])
  const mask = BigInt64Array.from([1n, 1n])
  const text = await sessions.text_encoder.run({ input_ids: tensor('int64', ids, [1, 2]), attention_mask: tensor('int64', mask, [1, 2]) })
  const mel = new Float32Array(manifest.audio.n_mels * stride * 2).fill(Math.log(manifest.audio.log_floor))
  const audio = await sessions.audio_encoder.run({ log_mel: tensor('float32', mel, [1, manifest.audio.n_mels, stride * 2]) })
  const states = audio.frame_states as Tensor
  if (states.dims[2] !== D) throw new ModelOutputError(`audio encoder states have width ${states.dims[2]}, the manifest says dim ${D}`)
  const fused = await sessions.fusion.run({ frame_states: states, token_states: text.token_states as Tensor, attention_mask: tensor('int64', mask, [1, 2]) })
  checkFinite((fused.polarity as Tensor).data as Float32Array, 'smoke test polarity')
}

/** Releases every open session, ignoring release errors. */
export async function releaseAll(sessions: Partial<Sessions>): Promise<void> {
  await Promise.all(Object.values(sessions).map((s) => s?.release().catch(() => undefined)))
}

/** The first line of an error message, at most 300 characters (native errors are long). */
export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err)
  return text.split('\n')[0]!.slice(0, 300)
}
