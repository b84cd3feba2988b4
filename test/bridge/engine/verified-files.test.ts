import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeEach, describe, expect, test } from 'vitest'
import { type ModelManifest, verifyModelFiles } from '../../../bridge/engine/manifest.js'
import { VerifiedFiles, verifiedFilesPath, verifyMode } from '../../../bridge/engine/verified-files.js'

const root = await mkdtemp(join(tmpdir(), 'emolane-verified-'))
afterAll(() => rm(root, { recursive: true, force: true }))

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
const graphs = ['text_encoder', 'audio_encoder', 'fusion'] as const

let dir: string
let record: string
let manifest: ModelManifest

/** A model folder of three small "graphs" and a manifest listing their sizes and hashes. */
beforeEach(async () => {
  dir = await mkdtemp(join(root, 'model-'))
  record = join(dir, 'cache', 'verified.json')
  const files: Record<string, { path: string; sha256: string; bytes: number }> = {}
  for (const [i, name] of graphs.entries()) {
    const bytes = Buffer.alloc(4096 + i, i + 1)
    await writeFile(join(dir, `${name}.onnx`), bytes)
    files[name] = { path: `${name}.onnx`, sha256: sha(bytes), bytes: bytes.length }
  }
  manifest = { files } as unknown as ModelManifest
})

const check = async (verify?: 'changed' | 'always') => verifyModelFiles(dir, manifest, { verify, verified: await VerifiedFiles.open(record) })

/** Flips a byte in the middle of a file, keeping its size, and sets its mtime back to what it was. */
async function corruptInPlace(path: string): Promise<void> {
  const before = await stat(path)
  const bytes = await readFile(path)
  bytes[bytes.length >> 1]! ^= 0xff
  await writeFile(path, bytes)
  await utimes(path, before.atime, before.mtime)
}

describe('model files checked once', () => {
  test('a file corrupted in place after a good check (same size, mtime set back) is still refused', async () => {
    await check()
    await corruptInPlace(join(dir, 'fusion.onnx'))
    await expect(check()).rejects.toThrow(/fusion\.onnx \(fusion\) is corrupted/)
  })

  test('a file truncated after a good check is refused by its size', async () => {
    await check()
    const path = join(dir, 'audio_encoder.onnx')
    await writeFile(path, (await readFile(path)).subarray(0, 100))
    await expect(check()).rejects.toThrow(/audio_encoder\.onnx \(audio_encoder\) is 100 bytes, the manifest says 4097: the file is truncated or replaced/)
  })

  test('a file replaced by another of the same size is refused', async () => {
    await check()
    const path = join(dir, 'text_encoder.onnx')
    await writeFile(`${path}.new`, Buffer.alloc(4096, 7))
    await rename(`${path}.new`, path)
    await expect(check()).rejects.toThrow(/text_encoder\.onnx.*corrupted/)
  })

  test('an unchanged file is not hashed again, and verify always hashes it anyway', async () => {
    await check()
    // forge the record: it vouches for the corrupted file's current stamp, which only a skipped hash would believe
    const path = join(dir, 'fusion.onnx')
    await corruptInPlace(path)
    const verified = await VerifiedFiles.open(record)
    verified.record(path, await stat(path), manifest.files.fusion.sha256)
    await verified.save()
    await expect(check('changed')).resolves.toBeUndefined()
    await expect(check('always')).rejects.toThrow(/fusion\.onnx.*corrupted/)
  })

  test('a record that cannot be written or read only means hashing every time', async () => {
    record = join(dir, 'fusion.onnx', 'not-a-folder', 'verified.json')
    await check()
    await check()
    await writeFile(join(dir, 'garbage.json'), '{"schema": ')
    record = join(dir, 'garbage.json')
    await check()
    await corruptInPlace(join(dir, 'fusion.onnx'))
    await expect(check()).rejects.toThrow(/corrupted/)
  })

  test('the record lives in EMOLANE_CACHE_DIR, else the XDG cache folder; EMOLANE_VERIFY_MODEL=always wins', () => {
    expect(verifiedFilesPath({ EMOLANE_CACHE_DIR: '/c' })).toBe(join('/c', 'verified-model-files.json'))
    expect(verifiedFilesPath({ XDG_CACHE_HOME: '/x' })).toBe(join('/x', 'emolane', 'verified-model-files.json'))
    expect(verifyMode(undefined, {})).toBe('changed')
    expect(verifyMode('changed', { EMOLANE_VERIFY_MODEL: 'always' })).toBe('always')
  })
})
