import { expect, test } from 'vitest'
import { createDotKernel } from '../../../bridge/stream/simd-dot.js'

test('the hand-written SIMD module loads in Node and sums products of runs at any float offset', () => {
  const k = createDotKernel()
  expect(k, 'Node 20 has WebAssembly SIMD: the resampler would fall back to its plain loop').not.toBeNull()
  const f = new Float32Array(k!.memory.buffer)
  for (let i = 0; i < 64; i++) {
    f[i] = i - 20.5
    f[100 + i] = 1 + (i % 3)
  }
  const expected = (from: number, n: number) => {
    let s = 0
    for (let i = 0; i < n; i++) s += f[from + i]! * f[100 + i]!
    return s
  }
  expect(k!.dot(0, 400, 256)).toBeCloseTo(expected(0, 64), 3)
  // an unaligned start (one float in) and a short run
  expect(k!.dot(4, 400, 16)).toBeCloseTo(expected(1, 4), 5)
  expect(k!.dot(4, 400, 0)).toBe(0)
})
