// Times the shipped graphs with onnxruntime-node on CPU (2 threads): one 6 s window through the audio
// encoder and the fusion, and one 128-token lyric context through the text encoder.
// Usage: node model/parity/speed.mjs [model-dir]. Prints milliseconds (median of 30 runs).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'

const modelDir = process.argv[2] ?? 'model'
const manifest = JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8'))
const opts = { intraOpNumThreads: 2, interOpNumThreads: 1 }
const load = (name) => ort.InferenceSession.create(join(modelDir, manifest.files[name].path), opts)
const [text, audio, fusion] = await Promise.all(['text_encoder', 'audio_encoder', 'fusion'].map(load))
const D = manifest.dim

async function median(fn, n = 30) {
  for (let i = 0; i < 3; i++) await fn()
  const times = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await fn()
    times.push(performance.now() - t)
  }
  return times.sort((a, b) => a - b)[n >> 1]
}

const M = manifest.audio.n_mels
const mel = new ort.Tensor('float32', Float32Array.from({ length: M * 384 }, () => Math.random() * 4 - 8), [1, M, 384])
const ids = new ort.Tensor('int64', BigInt64Array.from({ length: 128 }, (_, i) => BigInt(i === 0 ? 2 : i === 127 ? 3 : 5 + i)), [1, 128])
const mask = new ort.Tensor('int64', new BigInt64Array(128).fill(1n), [1, 128])
const frames = new ort.Tensor('float32', new Float32Array(12 * D), [1, 12, D])
const tokens = new ort.Tensor('float32', new Float32Array(128 * D), [1, 128, D])
const result = {
  audio_encoder_ms_per_6s_window: await median(() => audio.run({ log_mel: mel })),
  fusion_ms_per_window_128_tokens: await median(() => fusion.run({ frame_states: frames, token_states: tokens, attention_mask: mask })),
  text_encoder_ms_per_128_tokens: await median(() => text.run({ input_ids: ids, attention_mask: mask })),
}
console.log(JSON.stringify(result, (k, v) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v)))
