/**
 * What a device can do at most, to turn the model's FLOP rate into a utilisation: a measured
 * float32 MatMul through onnxruntime on the same provider (the attainable peak), and for GPUs the
 * vendor's float32 peak from a table.
 */
import { execFileSync } from 'node:child_process'
import { cpus } from 'node:os'
import ort from 'onnxruntime-node'
import { matMulModel } from './onnx-writer.js'

/** Floating-point operations per second. */
export type FlopsPerSecond = number

/** Vendor float32 peaks (dense, boost clock, no tensor-core TF32), TFLOP/s; matched against the GPU's name. */
export const GPU_PEAKS_TFLOPS: readonly { pattern: RegExp; name: string; tflops: number }[] = [
  { pattern: /H200/i, name: 'NVIDIA H200', tflops: 67 },
  { pattern: /H100.*PCIe/i, name: 'NVIDIA H100 PCIe', tflops: 51 },
  { pattern: /H100/i, name: 'NVIDIA H100 SXM', tflops: 67 },
  { pattern: /A100/i, name: 'NVIDIA A100', tflops: 19.5 },
  { pattern: /L40S/i, name: 'NVIDIA L40S', tflops: 91.6 },
  { pattern: /L4\b/i, name: 'NVIDIA L4', tflops: 30.3 },
  { pattern: /A10G?\b/i, name: 'NVIDIA A10/A10G', tflops: 31.2 },
  { pattern: /T4\b/i, name: 'NVIDIA T4', tflops: 8.1 },
  { pattern: /V100/i, name: 'NVIDIA V100', tflops: 15.7 },
  { pattern: /RTX 4090/i, name: 'NVIDIA RTX 4090', tflops: 82.6 },
  { pattern: /RTX 4080/i, name: 'NVIDIA RTX 4080', tflops: 48.7 },
  { pattern: /RTX 3090/i, name: 'NVIDIA RTX 3090', tflops: 35.6 },
  { pattern: /RTX 3080/i, name: 'NVIDIA RTX 3080', tflops: 29.8 },
  { pattern: /Apple M1/i, name: 'Apple M1 GPU (8 cores)', tflops: 2.6 },
  { pattern: /Apple M2/i, name: 'Apple M2 GPU (10 cores)', tflops: 3.6 },
]

/** The NVIDIA GPU's name from nvidia-smi; null where there is none. */
export function nvidiaGpuName(): string | null {
  try {
    return execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { encoding: 'utf8', timeout: 10_000 }).split('\n')[0]!.trim() || null
  } catch {
    return null
  }
}

/** The table's peak for a GPU name, FLOP/s; null when the name is not in the table. */
export function tablePeak(gpuName: string | null): { name: string; flops: FlopsPerSecond } | null {
  if (!gpuName) return null
  const hit = GPU_PEAKS_TFLOPS.find((p) => p.pattern.test(gpuName))
  return hit ? { name: hit.name, flops: hit.tflops * 1e12 } : null
}

/** A measured MatMul rate. */
export type MeasuredPeak = { device: string; threads: number | null; size: number; flops: FlopsPerSecond; bestMs: number }

/** Best rate of a size x size x size float32 MatMul over `runs` runs on `device` (onnxruntime, as the model runs). */
export async function measureMatMulPeak(device: string, options: { size?: number; runs?: number; threads?: number } = {}): Promise<MeasuredPeak> {
  const size = options.size ?? 1024
  const runs = options.runs ?? 8
  const threads = device === 'cpu' ? (options.threads ?? cpus().length) : null
  const session = await ort.InferenceSession.create(matMulModel(size, size, size), {
    executionProviders: [device],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    ...(threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
  })
  try {
    const data = new Float32Array(size * size).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5)
    const a = new ort.Tensor('float32', data, [size, size])
    const b = new ort.Tensor('float32', data, [size, size])
    await session.run({ a, b })
    let best = Infinity
    for (let i = 0; i < runs; i++) {
      const t = performance.now()
      await session.run({ a, b })
      best = Math.min(best, performance.now() - t)
    }
    return { device, threads, size, flops: (2 * size ** 3) / (best / 1000), bestMs: best }
  } finally {
    await session.release()
  }
}
