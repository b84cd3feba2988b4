/**
 * model/manifest.json: the model contract in data (see model/CONTRACT.md). The bridge reads only the
 * manifest to find and check the shipped files; it never copies the contract's constants.
 */
import { createHash } from 'node:crypto'
import { createReadStream, type Stats } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { VerifiedFiles, type VerifyMode, verifyMode } from './verified-files.js'

/** The audio front end and window settings (manifest `audio`). */
export type AudioConfig = {
  /** Hz, mono */
  sample_rate: number
  /** FFT size, samples */
  n_fft: number
  /** log-mel hop, samples */
  hop: number
  /** samples of zeros before the first FFT window */
  pad_left: number
  n_mels: number
  /** Hz */
  f_min: number
  /** Hz */
  f_max: number
  /** 'htk' (peak-1 triangles) or 'slaney' (area-normalised, Slaney's scale): bridge/engine/log-mel.ts */
  mel_scale: 'htk' | 'slaney'
  /** added to mel power before ln */
  log_floor: number
  /** log-mel frames per audio-encoder state */
  encoder_stride: number
  /**
   * States of audio either side that one state reads (0 when absent: the window alone). A stretch
   * encoded with this much context each side gives its inner states exactly as a whole-song encoding
   * does; the live path encodes so, and waits for that much audio after a window.
   */
  encoder_context?: number
  /** analysis window, seconds */
  window_seconds: number
  /** analysis hop, seconds */
  hop_seconds: number
}

/** One shipped ONNX graph (manifest `files.*`). */
export type ModelFile = { path: string; sha256: string; bytes: number; inputs: string[]; outputs: string[] }

/** The parsed, validated model/manifest.json. */
export type ModelManifest = {
  schema: 'emolane.model/1'
  name: string
  version: string
  preset: string
  /** false for an untrained export (structure only; readings mean nothing). */
  trained: boolean
  /** fusion width D */
  dim: number
  audio: AudioConfig
  text: { tokenizer: string; max_tokens: number }
  labels: { polarity: string[]; va: string[]; va_range: [number, number] }
  files: { text_encoder: ModelFile; audio_encoder: ModelFile; fusion: ModelFile }
  training?: Record<string, unknown>
  metrics?: Record<string, unknown>
}

/** A model directory whose manifest or files are missing, malformed or do not match their checksums. */
export class ModelFilesError extends Error {
  override name = 'ModelFilesError'
}

const graphIo = {
  text_encoder: { inputs: ['input_ids', 'attention_mask'], outputs: ['token_states', 'lyrics_polarity', 'lyrics_va', 'token_va'] },
  audio_encoder: { inputs: ['log_mel'], outputs: ['frame_states'] },
  fusion: { inputs: ['frame_states', 'token_states', 'attention_mask'], outputs: ['polarity', 'va', 'audio_polarity', 'audio_va'] },
} as const

/** The graphs a manifest must list, by key. */
export type GraphName = keyof typeof graphIo

const audioNumbers = ['sample_rate', 'n_fft', 'hop', 'pad_left', 'n_mels', 'f_min', 'f_max', 'log_floor', 'encoder_stride', 'window_seconds', 'hop_seconds'] as const

/** Reads and validates `<modelDir>/manifest.json`; throws ModelFilesError saying what is wrong. */
export async function loadManifest(modelDir: string): Promise<ModelManifest> {
  const path = join(modelDir, 'manifest.json')
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    throw new ModelFilesError(`model manifest ${path} cannot be read (expected a model directory with manifest.json)`, { cause })
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (cause) {
    throw new ModelFilesError(`model manifest ${path} is not valid JSON`, { cause })
  }
  return validateManifest(raw, path)
}

/** Checks a parsed manifest against the contract; `where` names it in errors. */
export function validateManifest(raw: unknown, where = 'manifest.json'): ModelManifest {
  const fail = (what: string): never => {
    throw new ModelFilesError(`${where}: ${what}`)
  }
  if (typeof raw !== 'object' || raw === null) fail(`expected a JSON object, got ${JSON.stringify(raw)?.slice(0, 40)}`)
  const m = raw as Record<string, any>
  if (m.schema !== 'emolane.model/1') fail(`expected schema "emolane.model/1", got ${JSON.stringify(m.schema)}`)
  for (const key of ['name', 'version', 'preset'] as const) {
    if (typeof m[key] !== 'string') fail(`expected string "${key}", got ${JSON.stringify(m[key])}`)
  }
  if (typeof m.trained !== 'boolean') fail(`expected boolean "trained", got ${JSON.stringify(m.trained)}`)
  if (!Number.isInteger(m.dim) || m.dim <= 0) fail(`expected positive integer "dim", got ${JSON.stringify(m.dim)}`)
  const audio = m.audio ?? fail('missing "audio"')
  for (const key of audioNumbers) {
    // f_min may be 0 Hz (the pretrained taggers' bands start there); every other number must be positive
    const ok = typeof audio[key] === 'number' && Number.isFinite(audio[key]) && (key === 'f_min' ? audio[key] >= 0 : audio[key] > 0)
    if (!ok) fail(`expected ${key === 'f_min' ? 'non-negative' : 'positive'} number audio.${key}, got ${JSON.stringify(audio[key])}`)
  }
  if (audio.encoder_context !== undefined && !(Number.isInteger(audio.encoder_context) && audio.encoder_context >= 0 && audio.encoder_context <= 64)) {
    fail(`expected audio.encoder_context to be a whole number of states from 0 to 64, got ${JSON.stringify(audio.encoder_context)}`)
  }
  if (audio.mel_scale !== 'htk' && audio.mel_scale !== 'slaney') fail(`expected audio.mel_scale "htk" or "slaney", got ${JSON.stringify(audio.mel_scale)}`)
  const framesPerSecond = audio.sample_rate / audio.hop
  const windowFrames = audio.window_seconds * framesPerSecond
  if (!Number.isInteger(windowFrames) || windowFrames % audio.encoder_stride !== 0) {
    fail(`audio.window_seconds must span a multiple of encoder_stride (${audio.encoder_stride}) frames, got ${windowFrames}`)
  }
  if (typeof m.text?.tokenizer !== 'string' || !Number.isInteger(m.text?.max_tokens)) fail('expected text.tokenizer (string) and text.max_tokens (integer)')
  const polarity = m.labels?.polarity
  if (!Array.isArray(polarity) || polarity.join() !== 'negative,neutral,positive') {
    fail(`expected labels.polarity ["negative","neutral","positive"], got ${JSON.stringify(polarity)}`)
  }
  for (const [name, io] of Object.entries(graphIo)) {
    const f = m.files?.[name]
    if (!f || typeof f.path !== 'string' || typeof f.sha256 !== 'string') fail(`expected files.${name} with path and sha256`)
    for (const side of ['inputs', 'outputs'] as const) {
      const got: unknown = f[side]
      const missing = io[side].filter((n) => !Array.isArray(got) || !got.includes(n))
      if (missing.length) fail(`files.${name}.${side} lacks ${missing.join(', ')} (got ${JSON.stringify(got)})`)
    }
  }
  return m as ModelManifest
}

/** sha256 of a file, hex. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** How verifyModelFiles checks. */
export type VerifyOptions = {
  /** 'changed' (default): hash only files changed since their last good check; 'always': hash every file */
  verify?: VerifyMode
  /** The record of checked files, default VerifiedFiles.open() ($EMOLANE_CACHE_DIR or ~/.cache/emolane) */
  verified?: VerifiedFiles
}

/**
 * Checks every graph file exists with the manifest's size and sha256; names the bad file otherwise.
 * The size is checked on every call; the hash when the file changed since its last good check (see
 * verified-files.ts) or when asked to always.
 */
export async function verifyModelFiles(modelDir: string, manifest: ModelManifest, options: VerifyOptions = {}): Promise<void> {
  const mode = verifyMode(options.verify)
  const verified = options.verified ?? (await VerifiedFiles.open())
  let hashed = false
  try {
    for (const [name, file] of Object.entries(manifest.files)) {
      const path = join(modelDir, file.path)
      let stats: Stats
      try {
        stats = await stat(path)
      } catch (cause) {
        throw new ModelFilesError(`model file ${path} (${name}) is missing; the manifest lists it`, { cause })
      }
      if (file.bytes > 0 && stats.size !== file.bytes) {
        throw new ModelFilesError(`model file ${path} (${name}) is ${stats.size} bytes, the manifest says ${file.bytes}: the file is truncated or replaced`)
      }
      if (mode === 'changed' && verified.unchanged(path, stats, file.sha256)) continue
      hashed = true
      verified.forget(path)
      const digest = await sha256File(path)
      if (digest !== file.sha256) {
        throw new ModelFilesError(`model file ${path} (${name}) is corrupted: sha256 ${digest}, the manifest says ${file.sha256}`)
      }
      verified.record(path, stats, digest)
    }
  } finally {
    if (hashed) await verified.save()
  }
}
