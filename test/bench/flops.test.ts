import ort from 'onnxruntime-node'
import { describe, expect, test } from 'vitest'
import { countFlops, matrixFlops, profileGraph, timeByOp } from '../../bench/flops.js'
import { oneNodeModel } from '../../bench/onnx-writer.js'

const input = (dims: number[]) => new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5), dims)

describe('FLOP counter', () => {
  test('counts 2 x multiply-accumulates from shapes', () => {
    expect(matrixFlops('MatMul', [[2, 3, 4], [4, 5]], [[2, 3, 5]])).toBe(2 * 2 * 3 * 5 * 4)
    expect(matrixFlops('Conv', [[1, 2, 8, 8], [4, 2, 3, 3]], [[1, 4, 8, 8]])).toBe(2 * 4 * 64 * 2 * 9)
    // grouped (depthwise) conv: each output sees one input channel
    expect(matrixFlops('Conv', [[1, 4, 8], [4, 1, 3]], [[1, 4, 8]])).toBe(2 * 32 * 3)
    expect(matrixFlops('Gemm', [[4, 3], [5, 4]], [[3, 5]])).toBe(2 * 15 * 4)
    expect(matrixFlops('Relu', [[1, 4]], [[1, 4]])).toBeNull()
  })

  test('counts the FLOPs of graphs that onnxruntime runs, from its profile', async () => {
    const conv = oneNodeModel({
      op: 'Conv',
      inputs: [{ name: 'x', dims: [1, 2, 8, 8] }, { name: 'w', dims: [4, 2, 3, 3] }],
      output: { name: 'y', dims: [1, 4, 8, 8] },
      attributes: { pads: [1, 1, 1, 1] },
    })
    const nodes = await profileGraph(conv, { x: input([1, 2, 8, 8]), w: input([4, 2, 3, 3]) })
    expect(nodes.map((n) => n.op)).toEqual(['Conv'])
    expect(countFlops(nodes).total).toBe(2 * 4 * 64 * 2 * 9)

    const gemm = oneNodeModel({
      op: 'Gemm',
      inputs: [{ name: 'a', dims: [3, 4] }, { name: 'b', dims: [5, 4] }],
      output: { name: 'y', dims: [3, 5] },
      attributes: { transB: 1 },
    })
    const g = countFlops(await profileGraph(gemm, { a: input([3, 4]), b: input([5, 4]) }))
    expect(g).toEqual({ total: 120, byOp: { Gemm: 120 }, otherElements: 0 })
  })

  test('time per operator is the median over runs, so one preempted run does not skew it', () => {
    const node = (op: string, us: number, run: number) => ({ name: op, op, us, inputs: [], outputs: [], run })
    const nodes = [node('Conv', 10, 0), node('Conv', 5, 0), node('Conv', 900, 1), node('Conv', 16, 2), node('Add', 3, 0), node('Add', 3, 1), node('Add', 3, 2)]
    expect(timeByOp(nodes)).toEqual([['Conv', 16], ['Add', 3]])
  })
})
