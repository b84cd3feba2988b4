import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { EmotionModel, ModelOutputError, type WindowInput } from '../../../bridge/engine/emotion-model.js'
import { ModelFilesError } from '../../../bridge/engine/manifest.js'
import { WorkerModel } from '../../../bridge/engine/worker-model.js'
import { analyzePcm } from '../../../bridge/analysis/analyze-audio.js'

const MODEL = join(import.meta.dirname, '..', '..', '..', 'model')

/** Windows of a few tones, with lyric contexts, as the live bridge builds them. */
function windows(model: EmotionModel, n: number): WindowInput[] {
  return Array.from({ length: n }, (_, i) => {
    const pcm = Float32Array.from({ length: 6 * 16000 + 512 }, (_, k) => 0.3 * Math.sin((k * (i + 1)) / 9))
    return { logMel: model.logMel(pcm, { firstFrame: 1, frames: model.windowFrames }).data, lyrics: i % 2 ? 'tears fall on the empty road' : '' }
  })
}

describe('WorkerModel', () => {
  let inProcess: EmotionModel
  let threaded: WorkerModel
  beforeAll(async () => {
    inProcess = await EmotionModel.load({ modelDir: MODEL, device: 'cpu', threads: 1, onWarning: () => {} })
    threaded = await WorkerModel.load({ modelDir: MODEL, device: 'cpu', threads: 1, onWarning: () => {} })
  })
  afterAll(async () => {
    await inProcess?.close()
    await threaded?.close()
  })

  test('reads windows exactly as the model on the main thread does, and leaves the caller its arrays', async () => {
    const input = windows(inProcess, 5)
    const expected = await inProcess.run(input)
    const got = await threaded.run(input)
    expect(got).toEqual(expected)
    expect(input[0]!.logMel.length).toBe(inProcess.manifest.audio.n_mels * 384) // copied, not transferred away
    expect(threaded.info).toEqual(inProcess.info)
    expect(threaded.windowFrames).toBe(inProcess.windowFrames)
  })

  test('a batch whose log-mels lie back to back in one buffer (as the live bridge builds it) reads the same as separate arrays', async () => {
    const input = windows(inProcess, 4)
    const size = input[0]!.logMel.length
    const one = new Float32Array(4 * size)
    const views = input.map((w, i) => {
      one.set(w.logMel, i * size)
      return { logMel: one.subarray(i * size, (i + 1) * size), lyrics: w.lyrics }
    })
    const expected = await inProcess.run(input)
    expect(await inProcess.run(views)).toEqual(expected)
    expect(await threaded.run(views)).toEqual(expected)
    expect(one.length).toBe(4 * size) // still the caller's
  })

  test('an offline analysis (long-stretch audio path) through the model thread equals the in-process one', async () => {
    const pcm = Float32Array.from({ length: 20 * 16000 }, (_, k) => 0.3 * Math.sin(k / (7 + Math.floor(k / 48000))))
    const lyrics = [{ start: 1, end: 6, text: 'the sun is warm today' }, { start: 11, end: 17, text: 'tears fall on the empty road' }]
    const spans = [{ start: 0, end: 10, name: 'Verse', source: 'file' as const }, { start: 10, end: 20, name: 'Chorus', source: 'file' as const }]
    const a = await analyzePcm({ pcm, model: inProcess, lyrics, spans, tempo: 120 })
    const b = await analyzePcm({ pcm, model: threaded, lyrics, spans, tempo: 120 })
    expect(b.frames).toEqual(a.frames)
    expect(b.sections).toEqual(a.sections)
  })

  test('encodes lyric contexts to the same word moods, cached in the model thread', async () => {
    const text = 'i am crying alone tonight\nthe sun is gone'
    expect((await threaded.encodeLyrics(text)).words).toEqual((await inProcess.encodeLyrics(text)).words)
    const before = await threaded.lyricsCacheStats()
    await threaded.encodeLyrics(text)
    const after = await threaded.lyricsCacheStats()
    expect(after.hits).toBe(before.hits + 1)
    expect(after.bytes).toBeGreaterThan(0)
  })

  test('the main thread keeps running timers while a large batch runs in the model thread', async () => {
    // one batch of 48 windows: on the main thread, each graph run would hold it for the whole batch
    const big = await WorkerModel.load({ modelDir: MODEL, device: 'cpu', threads: 1, batchSize: 64, onWarning: () => {} })
    try {
      let ticks = 0
      const timer = setInterval(() => ticks++, 1)
      await big.run(windows(inProcess, 48))
      clearInterval(timer)
      expect(ticks).toBeGreaterThan(10)
    } finally {
      await big.close()
    }
  })

  test('errors cross back with their class: bad log-mel is a ModelOutputError, a wrong size a RangeError', async () => {
    const bad = windows(inProcess, 1)
    bad[0]!.logMel[7] = Number.NaN
    await expect(threaded.run(bad)).rejects.toBeInstanceOf(ModelOutputError)
    await expect(threaded.run(bad)).rejects.toThrow(/log-mel input holds a non-finite value \(NaN\) at index 7/)
    await expect(threaded.run([{ logMel: new Float32Array(10), lyrics: '' }])).rejects.toBeInstanceOf(RangeError)
  })

  test('a model thread that dies is started again on the next call', async () => {
    const rpc = (threaded as unknown as { rpc: { worker: { terminate(): Promise<number> } } }).rpc
    await rpc.worker.terminate()
    const input = windows(inProcess, 2)
    expect(await threaded.run(input)).toEqual(await inProcess.run(input))
  })

  test('a corrupted graph stops loading with the file named, as on the main thread', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emolane-worker-model-'))
    try {
      for (const entry of ['manifest.json', 'tokenizer.json', 'onnx']) await cp(join(MODEL, entry), join(dir, entry), { recursive: true })
      const path = join(dir, 'onnx', 'fusion.onnx')
      const bytes = await readFile(path)
      bytes[100] ^= 0x01
      await writeFile(path, bytes)
      const loading = WorkerModel.load({ modelDir: dir, device: 'cpu', onWarning: () => {} })
      await expect(loading).rejects.toBeInstanceOf(ModelFilesError)
      await expect(WorkerModel.load({ modelDir: dir, device: 'cpu', onWarning: () => {} })).rejects.toThrow(/fusion\.onnx \(fusion\) is corrupted: sha256/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
