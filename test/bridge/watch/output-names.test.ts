import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { OutputNames } from '../../../bridge/watch/output-names.js'

const dir = await mkdtemp(join(tmpdir(), 'emolane-output-names-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('OutputNames', () => {
  test('mix.mp3 and mix.wav in one folder get two analysis files, neither replacing the other', async () => {
    const out = join(dir, 'a')
    const names = new OutputNames(out)
    const wav = await names.pathFor('/bounces/mix.wav')
    const mp3 = await names.pathFor('/bounces/mix.mp3')
    expect(wav).toEqual({ path: join(out, 'mix.emolane.json'), note: null })
    expect(mp3.path).toBe(join(out, 'mix.mp3.emolane.json'))
    expect(mp3.note).toBe('mix.emolane.json holds the analysis of mix.wav')
    // each keeps its name for the run: a re-render of either writes where it wrote before
    expect((await names.pathFor('/bounces/mix.mp3')).path).toBe(mp3.path)
    expect((await names.pathFor('/bounces/mix.wav')).path).toBe(wav.path)
  })

  test('a result left by an earlier run keeps its name: the other input of the same name goes beside it', async () => {
    await writeFile(join(dir, 'mix.emolane.json'), JSON.stringify({ source: 'mix.wav', frames: [] }))
    const names = new OutputNames(dir)
    expect((await names.pathFor('/bounces/mix.mp3')).path).toBe(join(dir, 'mix.mp3.emolane.json'))
    expect((await names.pathFor('/bounces/mix.wav')).path).toBe(join(dir, 'mix.emolane.json'))
    // and the same input as last time writes over its own result
    expect((await new OutputNames(dir).pathFor('/elsewhere/mix.wav')).path).toBe(join(dir, 'mix.emolane.json'))
  })
})
