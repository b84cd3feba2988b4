/**
 * The model's compute, counted from the shapes its graphs actually run with: onnxruntime's profiler
 * records every node's input and output shapes; Conv, MatMul and Gemm nodes are counted as
 * 2 x multiply-accumulates (the usual FLOP convention), everything else as one FLOP per output
 * element (reported apart). The same profile gives time per operator type.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ort from 'onnxruntime-node'
import type { InferenceSession, Tensor } from 'onnxruntime-node'

/** FLOPs (floating-point operations, a multiply-add counting 2). */
export type Flops = number

/** One executed node from a profile. */
export type ProfiledNode = {
  name: string
  op: string
  /** Kernel time, microseconds. */
  us: number
  inputs: number[][]
  outputs: number[][]
  /** Which of the profiled runs it belongs to (0-based). */
  run: number
}

const prod = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1)

/** 2 x multiply-accumulates of a Conv, MatMul or Gemm node from its shapes; null for other operators. */
export function matrixFlops(op: string, inputs: readonly number[][], outputs: readonly number[][]): Flops | null {
  const out = outputs[0]
  if (!out) return null
  if (op === 'Conv' || op === 'FusedConv' || op === 'NhwcConv') {
    // weight [C_out, C_in / groups, k...]; each output element is one dot product of C_in/groups * prod(k)
    const w = inputs[1]
    if (!w || w.length < 3) throw new RangeError(`${op}: expected a weight of rank >= 3, got [${w?.join(', ') ?? ''}]`)
    return 2 * prod(out) * prod(w.slice(1))
  }
  if (op === 'MatMul' || op === 'FusedMatMul') {
    const a = inputs[0]
    if (!a || a.length === 0) throw new RangeError(`${op}: expected a first input of rank >= 1, got []`)
    return 2 * prod(out) * a[a.length - 1]!
  }
  if (op === 'Gemm') {
    // out [M, N]; A is [M, K] or its transpose, so K = size(A) / M
    const a = inputs[0]
    if (!a || out.length !== 2) throw new RangeError(`Gemm: expected A and an output of rank 2, got [${a?.join(', ') ?? ''}] and [${out.join(', ')}]`)
    return 2 * prod(out) * (prod(a) / out[0]!)
  }
  return null
}

/** FLOPs of a profiled run: matrix operators by type, and other operators' output elements. */
export type FlopCount = { total: Flops; byOp: Record<string, Flops>; otherElements: number }

/** Sums the FLOPs of the nodes of one run. */
export function countFlops(nodes: readonly ProfiledNode[]): FlopCount {
  const byOp: Record<string, Flops> = {}
  let total = 0
  let otherElements = 0
  for (const n of nodes) {
    const f = matrixFlops(n.op, n.inputs, n.outputs)
    if (f === null) {
      otherElements += n.outputs.reduce((s, o) => s + prod(o), 0)
      continue
    }
    byOp[n.op] = (byOp[n.op] ?? 0) + f
    total += f
  }
  return { total, byOp, otherElements }
}

/** Kernel time per operator type and run, microseconds: the median over the runs, largest first (a preempted run does not skew it). */
export function timeByOp(nodes: readonly ProfiledNode[]): [op: string, us: number][] {
  const runs = Math.max(0, ...nodes.map((n) => n.run)) + 1
  const t = new Map<string, number[]>()
  for (const n of nodes) {
    const perRun = t.get(n.op) ?? new Array<number>(runs).fill(0)
    perRun[n.run]! += n.us
    t.set(n.op, perRun)
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b)
    return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
  }
  return [...t.entries()].map(([op, xs]): [string, number] => [op, median(xs)]).sort((a, b) => b[1] - a[1])
}

/** How to profile. */
export type ProfileOptions = {
  /** Execution provider, default 'cpu' */
  device?: string
  /** 'disabled' counts the graph as exported; 'all' times what onnxruntime actually runs. Default 'disabled' */
  optimization?: 'disabled' | 'all'
  /** Runs before the profiled ones (their nodes are dropped), default 1 */
  warmup?: number
  /** Profiled runs whose nodes are returned, default 1 */
  runs?: number
  threads?: number
}

type TraceEvent = { cat?: string; name?: string; ts?: number; dur?: number; args?: { op_name?: string; input_type_shape?: Record<string, number[]>[]; output_type_shape?: Record<string, number[]>[] } }

const shapes = (list: Record<string, number[]>[] | undefined): number[][] => (list ?? []).map((s) => Object.values(s)[0] ?? [])

/** Runs a graph with onnxruntime's profiler on and returns the nodes of the last `runs` runs. */
export async function profileGraph(model: string | Uint8Array, feeds: Record<string, Tensor>, options: ProfileOptions = {}): Promise<ProfiledNode[]> {
  const o = { device: 'cpu', optimization: 'disabled' as const, warmup: 1, runs: 1, ...options }
  const dir = mkdtempSync(join(tmpdir(), 'emolane-profile-'))
  const sessionOptions: InferenceSession.SessionOptions = {
    executionProviders: [o.device],
    graphOptimizationLevel: o.optimization,
    enableProfiling: true,
    profileFilePrefix: join(dir, 'profile'),
    logSeverityLevel: 3,
    ...(o.threads ? { intraOpNumThreads: o.threads } : {}),
  }
  try {
    const session = typeof model === 'string' ? await ort.InferenceSession.create(model, sessionOptions) : await ort.InferenceSession.create(model, sessionOptions)
    try {
      for (let i = 0; i < o.warmup + o.runs; i++) await session.run(feeds)
      session.endProfiling()
    } finally {
      await session.release()
    }
    const file = readdirSync(dir).find((f) => f.endsWith('.json'))
    if (!file) throw new Error(`onnxruntime wrote no profile into ${dir}`)
    const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as TraceEvent[]
    const kept = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').slice(-o.runs)
    const runOf = (e: TraceEvent): number => (kept.length === 0 ? 0 : kept.findIndex((r) => e.ts! >= r.ts! && e.ts! <= r.ts! + r.dur!))
    return events
      .filter((e) => e.cat === 'Node' && e.name?.endsWith('_kernel_time') && e.args?.op_name)
      .map((e) => ({ name: e.name!.replace(/_kernel_time$/, ''), op: e.args!.op_name!, us: e.dur ?? 0, inputs: shapes(e.args!.input_type_shape), outputs: shapes(e.args!.output_type_shape), run: runOf(e) }))
      .filter((n) => n.run >= 0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
