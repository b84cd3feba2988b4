// Runs the shipped ONNX graphs with onnxruntime-node on model/parity/ inputs and compares with the
// stored PyTorch outputs. Usage: node model/parity/check.mjs [model-dir]. Exit 1 on any mismatch.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'

const modelDir = process.argv[2] ?? 'model'
const manifest = JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8'))
const index = JSON.parse(readFileSync(join(modelDir, 'parity', 'cases.json'), 'utf8'))

/** Reads one raw little-endian tensor described in cases.json. */
function readTensor(desc) {
  const buf = readFileSync(join(modelDir, 'parity', desc.file))
  const bytes = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)
  const data = desc.dtype === 'int64' ? new BigInt64Array(bytes) : new Float32Array(bytes)
  return new ort.Tensor(desc.dtype, data, desc.shape)
}

const sessions = {}
let failures = 0
for (const c of index.cases) {
  sessions[c.graph] ??= await ort.InferenceSession.create(join(modelDir, manifest.files[c.graph].path))
  const feeds = Object.fromEntries(Object.entries(c.inputs).map(([k, d]) => [k, readTensor(d)]))
  const got = await sessions[c.graph].run(feeds)
  for (const [name, desc] of Object.entries(c.outputs)) {
    const want = readTensor(desc)
    const out = got[name]
    const sameShape = out.dims.length === desc.shape.length && out.dims.every((d, i) => d === desc.shape[i])
    let worst = 0
    if (sameShape) for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(out.data[i] - want.data[i]))
    const ok = sameShape && worst <= index.atol && Number.isFinite(worst)
    if (!ok) failures++
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${c.name} ${name} [${out.dims}] max |diff| ${worst.toExponential(2)}`
      + (sameShape ? '' : ` (expected shape [${desc.shape}])`))
  }
}
if (failures) {
  console.error(`${failures} output(s) differ from PyTorch by more than ${index.atol}`)
  process.exit(1)
}
