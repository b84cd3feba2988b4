/** The analysis thread as `analyze` uses it: decoding into shared memory, then sections and tempo of the whole song beside the model. */
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { AnalysisThread } from '../../../bridge/analysis/analysis-thread.js'
import { inProcessAnalysis } from '../../../bridge/analysis/audio-analysis-ops.js'
import { AudioDecodeError, decodeAudioFile } from '../../../bridge/audio/decode.js'

const demo = join(import.meta.dirname, '..', '..', '..', 'examples', 'demo-song.mp3')
let thread: AnalysisThread
beforeAll(async () => {
  thread = await AnalysisThread.start()
})
afterAll(() => thread.close())

test('a file decoded on the thread arrives in shared memory, sample for sample what this thread decodes', async () => {
  const there = await thread.decode({ path: demo, sampleRate: 16000 })
  const here = await decodeAudioFile(demo, { sampleRate: 16000 })
  expect(there.pcm.buffer).toBeInstanceOf(SharedArrayBuffer)
  expect(there.duration).toBe(here.duration)
  expect(Buffer.from(there.pcm.buffer, there.pcm.byteOffset, there.pcm.byteLength).equals(Buffer.from(here.pcm.buffer, here.pcm.byteOffset, here.pcm.byteLength))).toBe(true)
})

test('a decode error crosses back as an AudioDecodeError naming the file', async () => {
  const err = await thread.decode({ path: join(import.meta.dirname, 'nope.wav'), sampleRate: 16000 }).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(AudioDecodeError)
  expect((err as Error).message).toMatch(/cannot read audio file .*nope\.wav/)
})

test("the song's sections and tempo read on the thread from shared samples equal this thread's, and the samples stay usable here", async () => {
  const { pcm } = await thread.decode({ path: demo, sampleRate: 16000 })
  const request = { pcm, sampleRate: 16000, detect: { minSectionSeconds: 8 }, tempo: true }
  const there = await thread.song(request)
  const here = await inProcessAnalysis.song(request)
  expect(there).toEqual(here)
  expect(there.spans!.length).toBeGreaterThan(1)
  expect(there.tempoBpm).toBeCloseTo(135, -1)
  expect(pcm.length).toBeGreaterThan(16000 * 50) // not handed over (detached)
  // nothing asked, nothing read
  expect(await thread.song({ ...request, detect: null, tempo: false })).toEqual({ spans: null, tempoBpm: null })
})
