import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { describe, expect, test } from 'vitest'

const modelDir = join(__dirname, '..', '..', 'model')

type TensorDesc = { file: string; dtype: 'float32' | 'int64'; shape: number[] }
type ParityCase = {
  graph: string
  name: string
  inputs: Record<string, TensorDesc>
  outputs: Record<string, TensorDesc>
}
type FileEntry = { path: string; sha256: string; bytes: number; inputs: string[]; outputs: string[] }

const manifest = JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8')) as {
  files: Record<string, FileEntry>
}
const index = JSON.parse(readFileSync(join(modelDir, 'parity', 'cases.json'), 'utf8')) as {
  atol: number
  cases: ParityCase[]
}

/** Reads a raw little-endian tensor written by model/export_onnx.py. */
function readTensor(desc: TensorDesc): ort.Tensor {
  const buf = readFileSync(join(modelDir, 'parity', desc.file))
  const bytes = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)
  return desc.dtype === 'int64'
    ? new ort.Tensor('int64', new BigInt64Array(bytes), desc.shape)
    : new ort.Tensor('float32', new Float32Array(bytes), desc.shape)
}

const sessions = new Map<string, Promise<ort.InferenceSession>>()
function session(graph: string): Promise<ort.InferenceSession> {
  let s = sessions.get(graph)
  if (!s) {
    s = ort.InferenceSession.create(join(modelDir, manifest.files[graph].path))
    sessions.set(graph, s)
  }
  return s
}

describe('shipped model files', () => {
  test.each(Object.entries(manifest.files))('%s matches the manifest checksum and size', (_name, entry) => {
    const data = readFileSync(join(modelDir, entry.path))
    expect(data.byteLength).toBe(entry.bytes)
    expect(createHash('sha256').update(data).digest('hex')).toBe(entry.sha256)
  })

  test.each(Object.entries(manifest.files))('%s declares the inputs and outputs the manifest names', async (name, entry) => {
    const s = await session(name)
    expect([...s.inputNames]).toEqual(entry.inputs)
    expect([...s.outputNames]).toEqual(entry.outputs)
  })
})

describe('onnxruntime-node matches the PyTorch reference outputs', () => {
  test('covers every graph', () => {
    expect(new Set(index.cases.map((c) => c.graph))).toEqual(new Set(Object.keys(manifest.files)))
  })

  test.each(index.cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const feeds = Object.fromEntries(Object.entries(c.inputs).map(([k, d]) => [k, readTensor(d)]))
    const got = await (await session(c.graph)).run(feeds)
    for (const [name, desc] of Object.entries(c.outputs)) {
      const want = readTensor(desc).data as Float32Array
      const out = got[name]
      expect(out.dims, name).toEqual(desc.shape)
      const data = out.data as Float32Array
      let worst = 0
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(data[i] - want[i]))
      expect(worst, `${c.name} ${name} max |diff|`).toBeLessThanOrEqual(index.atol)
    }
  })

  test('polarity outputs are probabilities and valence/arousal stay in [-1, 1]', async () => {
    const fusionCase = index.cases.find((c) => c.graph === 'fusion')!
    const feeds = Object.fromEntries(Object.entries(fusionCase.inputs).map(([k, d]) => [k, readTensor(d)]))
    const got = await (await session('fusion')).run(feeds)
    for (const name of ['polarity', 'audio_polarity']) {
      const p = got[name].data as Float32Array
      for (let row = 0; row < p.length / 3; row++) {
        expect(p[row * 3] + p[row * 3 + 1] + p[row * 3 + 2]).toBeCloseTo(1, 5)
      }
    }
    for (const name of ['va', 'audio_va']) {
      for (const v of got[name].data as Float32Array) expect(Math.abs(v)).toBeLessThanOrEqual(1)
    }
  })
})
