import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { EmotionModel } from '../../../bridge/engine/emotion-model.js'

const modelDir = join(import.meta.dirname, '../../../model')
const model = await EmotionModel.load({ modelDir, onWarning: () => {} })
afterAll(() => model.close())

/** A deterministic test signal: a few chords with noise, `seconds` long at the model's rate. */
function song(seconds: number, seed = 1): Float32Array {
  const n = Math.round(seconds * model.sampleRate)
  const out = new Float32Array(n)
  let s = seed
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff
    const t = i / model.sampleRate
    const f = [220, 262, 330, 392][Math.floor(t / 2) % 4]!
    out[i] = 0.3 * Math.sin(2 * Math.PI * f * t) + 0.2 * Math.sin(2 * Math.PI * 1.5 * f * t) + 0.02 * (s / 0x7fffffff - 0.5)
  }
  return out
}

const sum = (p: number[]) => p.reduce((a, b) => a + b, 0)

describe('EmotionModel', () => {
  test('loads the shipped model and reports the provider that runs it', () => {
    expect(model.info.name).toBe('emolane-studio')
    expect(['cpu', 'cuda', 'webgpu', 'coreml', 'dml']).toContain(model.info.device)
    expect(model.windowFrames).toBe(384)
    expect(model.stride).toBe(32)
  })

  test('reads a window: probabilities sum to 1, values in range, lyrics head null without lyrics', async () => {
    const mel = model.logMel(song(6))
    const [withWords, without] = await model.run([
      { logMel: mel.data, lyrics: 'sunshine on my shoulders makes me happy' },
      { logMel: mel.data, lyrics: '' },
    ])
    for (const head of [withWords!.fused, withWords!.audio, withWords!.lyrics!, without!.fused, without!.audio]) {
      expect(sum(head.polarity)).toBeCloseTo(1, 6)
      expect(Math.abs(head.valence)).toBeLessThanOrEqual(1)
      expect(Math.abs(head.arousal)).toBeLessThanOrEqual(1)
    }
    expect(without!.lyrics).toBeNull()
    expect(withWords!.words.map((w) => w.word)).toEqual(['sunshine', 'on', 'my', 'shoulders', 'makes', 'me', 'happy'])
    // the audio-only head ignores the words
    for (let k = 0; k < 3; k++) expect(withWords!.audio.polarity[k]).toBeCloseTo(without!.audio.polarity[k]!, 4)
  })

  test('gives each window the same reading alone as in a batch with longer lyric contexts', async () => {
    const pcm = song(12)
    const windows = [0, 1, 2].map((k) => ({ logMel: model.logMel(pcm, { firstFrame: k * 192, frames: 384 }).data, lyrics: ['hi', 'a much longer line of words to pad the batch with', ''][k]! }))
    const batch = await model.run(windows)
    for (let k = 0; k < 3; k++) {
      const [alone] = await model.run([windows[k]!])
      for (let c = 0; c < 3; c++) expect(batch[k]!.fused.polarity[c]).toBeCloseTo(alone!.fused.polarity[c]!, 4)
      expect(batch[k]!.fused.valence).toBeCloseTo(alone!.fused.valence, 4)
    }
  })

  test('runs the text encoder once per distinct lyric context', async () => {
    const before = model.lyricsCacheStats.misses
    const text = `a line only this test sings ${Math.random()}`
    const mel = model.logMel(song(6)).data
    await model.run([{ logMel: mel, lyrics: text }, { logMel: mel, lyrics: text }])
    await model.run([{ logMel: mel, lyrics: text }])
    expect(model.lyricsCacheStats.misses - before).toBe(1)
  })

  test('the long-stretch audio path agrees with windows encoded with their context (and, without encoder context, alone)', async () => {
    const pcm = song(20)
    const first = -192
    const mel = model.logMel(pcm, { firstFrame: first, frames: Math.ceil(pcm.length / 250) - first + 192 })
    const states = await model.encodeAudio(mel, first)
    const starts = [0, 4, 8, 16, 24, 32] // state indices of window starts
    const fast = await model.runStates(starts.map((s) => ({ states: model.sliceStates(states, s), lyrics: '' })))
    // each window with encoder_context states either side, as the live path encodes it: the same states
    const ctx = model.manifest.audio.encoder_context ?? 0
    const m = model.windowFrames / model.stride
    const withContext = await model.runStates(
      await Promise.all(
        starts.map(async (s) => {
          const from = first + (s - ctx) * model.stride
          const frames = (m + 2 * ctx) * model.stride
          const around = await model.encodeAudio(model.logMel(pcm, { firstFrame: from, frames }), from)
          return { states: model.sliceStates(around, ctx), lyrics: '' }
        }),
      ),
    )
    // a window alone: the same where the encoder reads nothing past its window
    const alone = ctx === 0 ? await model.run(starts.map((s) => ({ logMel: model.logMel(pcm, { firstFrame: first + s * 32, frames: 384 }).data, lyrics: '' }))) : null
    for (let i = 0; i < starts.length; i++) {
      const near = (a: number, b: number, tol: number) => expect(Math.abs(a - b)).toBeLessThan(tol)
      if (starts[i]! >= ctx) {
        // the stretch's first states have silence, not the song's start, before them
        near(fast[i]!.audio.valence, withContext[i]!.audio.valence, 1e-4)
        for (let c = 0; c < 3; c++) near(fast[i]!.audio.polarity[c]!, withContext[i]!.audio.polarity[c]!, 1e-4)
      }
      if (alone) {
        near(fast[i]!.audio.valence, alone[i]!.audio.valence, 0.05)
        for (let c = 0; c < 3; c++) near(fast[i]!.audio.polarity[c]!, alone[i]!.audio.polarity[c]!, 0.05)
      }
    }
  })

  test('rejects a window of the wrong size and NaN log-mel with clear errors', async () => {
    await expect(model.run([{ logMel: new Float32Array(10), lyrics: '' }])).rejects.toThrow(new RegExp(`expected log-mel of ${model.manifest.audio.n_mels}x384`))
    const bad = model.logMel(song(6)).data
    bad[5] = Number.NaN
    await expect(model.run([{ logMel: bad, lyrics: '' }])).rejects.toThrow(/non-finite/)
  })
})

describe('EmotionModel.load', () => {
  const temp: string[] = []
  afterAll(async () => {
    for (const d of temp) await rm(d, { recursive: true, force: true })
  })
  async function copyModel(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'emolane-model-'))
    temp.push(dir)
    // only what the bridge reads: the manifest, the tokenizer and the graphs
    for (const entry of ['manifest.json', 'tokenizer.json', 'onnx']) await cp(join(modelDir, entry), join(dir, entry), { recursive: true })
    return dir
  }

  test('refuses a corrupted graph file, naming it', async () => {
    const dir = await copyModel()
    const path = join(dir, 'onnx/fusion.onnx')
    const bytes = await readFile(path)
    bytes[bytes.length >> 1] ^= 0xff
    await writeFile(path, bytes)
    await expect(EmotionModel.load({ modelDir: dir, onWarning: () => {} })).rejects.toThrow(/fusion\.onnx.*corrupted/)
  })

  test('refuses a missing graph file, naming it', async () => {
    const dir = await copyModel()
    await rm(join(dir, 'onnx/audio_encoder.onnx'))
    await expect(EmotionModel.load({ modelDir: dir, onWarning: () => {} })).rejects.toThrow(/audio_encoder\.onnx.*missing/)
  })

  test('refuses a manifest that is not JSON or lacks a graph', async () => {
    const dir = await copyModel()
    await writeFile(join(dir, 'manifest.json'), '{"schema": ')
    await expect(EmotionModel.load({ modelDir: dir })).rejects.toThrow(/manifest.*not valid JSON/)
    const manifest = JSON.parse(await readFile(join(modelDir, 'manifest.json'), 'utf8'))
    delete manifest.files.fusion
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest))
    await expect(EmotionModel.load({ modelDir: dir })).rejects.toThrow(/files\.fusion/)
  })

  test('falls back to the CPU with a warning when the asked-for provider does not load', async () => {
    const warnings: string[] = []
    const m = await EmotionModel.load({ modelDir, device: 'dml', onWarning: (w) => warnings.push(w) })
    try {
      if (process.platform === 'win32') return // DirectML may really load there
      expect(m.info.device).toBe('cpu')
      expect(m.info.requested).toBe('dml')
      expect(m.info.fallback).toMatch(/dml did not load/)
      expect(warnings.join('\n')).toMatch(/dml did not load.*running on cpu/)
    } finally {
      await m.close()
    }
  })
})
