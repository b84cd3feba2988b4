/**
 * Band-limited resampling (Kaiser-windowed sinc) onto an absolute output grid, streaming block by
 * block: a run of contiguous input starting at song time t0 produces output sample k at song time
 * k / outRate, so runs that start anywhere line up on the same 16 kHz timeline.
 */
import type { Seconds } from '../analysis/types.js'
import { createDotKernel, type DotKernel } from './simd-dot.js'

/** Hz */
export type Hertz = number

/** Resampler quality settings. */
export type ResamplerOptions = {
  /** sinc zero crossings on each side of the centre tap, default 16 */
  zeroCrossings?: number
  /** low-pass cutoff as a fraction of the lower Nyquist when downsampling, default 0.95 */
  rolloff?: number
  /** Kaiser window beta, default 8 (about 80 dB stop band) */
  kaiserBeta?: number
  /** kernel table points per zero crossing (linear interpolation between), default 512 */
  tableResolution?: number
  /** the inner loop in WebAssembly SIMD where the runtime has it, default true (false: plain JS, same output to float rounding) */
  simd?: boolean
}

const defaults = { zeroCrossings: 16, rolloff: 0.95, kaiserBeta: 8, tableResolution: 512, simd: true }

/**
 * Per-phase weights of a resampler whose rates are integers: output p + q * period reads `taps` inputs
 * from centres[p] + q * step - halfWidth + 1. With `simd`, the weights also sit in its memory (phase p's
 * at byte p * taps * 4) and the buffered input after them (from byte `inputAt`).
 */
type Phases = { period: number; step: number; taps: number; centres: Int32Array; weights: Float32Array; simd: DotKernel | null; inputAt: number }

/** Largest polyphase table kept (floats): 2048 phases of 128 taps, 1 MB. */
const MAX_PHASE_WEIGHTS = 2048 * 128

/** A block of output on the absolute grid: `samples[i]` is at song time `(start + i) / outRate`. */
export type ResampledBlock = { start: number; samples: Float32Array }

/** Modified Bessel function of the first kind, order 0 (series; converges fast for beta <= 20). */
function besselI0(x: number): number {
  let sum = 1
  let term = 1
  const q = (x * x) / 4
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k)
    sum += term
    if (term < sum * 1e-12) break
  }
  return sum
}

const tableCache = new Map<string, Float64Array>()

/** f(u) = sinc(u) * kaiser(u / zeroCrossings) for u in [0, zeroCrossings], sampled every 1/resolution. */
function kernelTable(zeroCrossings: number, beta: number, resolution: number): Float64Array {
  const key = `${zeroCrossings}:${beta}:${resolution}`
  const cached = tableCache.get(key)
  if (cached) return cached
  const n = zeroCrossings * resolution
  const table = new Float64Array(n + 2) // one guard point past the end, which stays 0
  const i0Beta = besselI0(beta)
  for (let j = 0; j <= n; j++) {
    const u = j / resolution
    const sinc = u === 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u)
    const r = u / zeroCrossings
    table[j] = sinc * (besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta)
  }
  tableCache.set(key, table)
  return table
}

/** Streams one contiguous run of mono input onto the output grid. */
export class StreamingResampler {
  readonly inRate: Hertz
  readonly outRate: Hertz
  /** Song time of the first input sample. */
  readonly startTime: Seconds
  /** Cutoff as a fraction of the input Nyquist (1 when not downsampling). */
  private readonly cutoff: number
  /** Input samples either side of an output sample with non-zero weight. */
  private readonly halfWidth: number
  private readonly table: Float64Array
  private readonly resolution: number
  private readonly zeroCrossings: number
  /** Buffered input; buf[0] is absolute input index bufStart. */
  private buf = new Float32Array(4096)
  private bufStart = 0
  private bufLen = 0
  /** Next output index to produce. */
  private nextOut: number
  private flushed = false
  /** Polyphase weights where the rates are integers with a short period (44.1 -> 16 kHz: 160 phases), else null. */
  private readonly phases: Phases | null

  constructor(inRate: Hertz, outRate: Hertz, startTime: Seconds, options: ResamplerOptions = {}) {
    const o = { ...defaults, ...options }
    if (!(inRate > 0) || !(outRate > 0) || !Number.isFinite(inRate) || !Number.isFinite(outRate)) {
      throw new RangeError(`sample rates must be positive and finite, got ${inRate} -> ${outRate}`)
    }
    if (!Number.isFinite(startTime)) throw new RangeError(`startTime must be finite, got ${startTime}`)
    if (!(o.rolloff > 0 && o.rolloff <= 1)) throw new RangeError(`rolloff must be in (0, 1], got ${o.rolloff}`)
    this.inRate = inRate
    this.outRate = outRate
    this.startTime = startTime
    this.cutoff = outRate < inRate ? (outRate / inRate) * o.rolloff : 1
    this.zeroCrossings = o.zeroCrossings
    this.resolution = o.tableResolution
    this.halfWidth = Math.ceil(o.zeroCrossings / this.cutoff)
    this.table = kernelTable(o.zeroCrossings, o.kaiserBeta, o.tableResolution)
    // the first output sample at or after the first input sample (1e-9 s of slack for float time)
    this.nextOut = Math.ceil(startTime * outRate - 1e-6) + 0 // + 0: no -0
    this.phases = this.polyphase(o.simd)
  }

  /**
   * Output k + period sits exactly `step` input samples after output k, so the weights of every output
   * repeat with that period: computed once per phase (as produce() computes them), then each output is
   * a plain dot product. Several times faster for whole files (a 3-minute 44.1 kHz song: 3 M outputs
   * of 94 taps each).
   */
  private polyphase(simd: boolean): Phases | null {
    const { inRate, outRate } = this
    if (!Number.isInteger(inRate) || !Number.isInteger(outRate)) return null
    let a = inRate
    let b = outRate
    while (b) [a, b] = [b, a % b]
    const period = outRate / a
    const taps = 2 * this.halfWidth
    if (period * taps > MAX_PHASE_WEIGHTS) return null
    const weights = new Float32Array(period * taps)
    const centres = new Int32Array(period)
    for (let p = 0; p < period; p++) {
      const x = this.inputPosition(p)
      const centre = Math.floor(x)
      centres[p] = centre
      for (let t = 0; t < taps; t++) weights[p * taps + t] = this.weight(x, centre - this.halfWidth + 1 + t)
    }
    const kernel = simd ? createDotKernel() : null
    const inputAt = Math.ceil((weights.length * 4) / 16) * 16
    if (kernel) {
      grow(kernel.memory, inputAt)
      new Float32Array(kernel.memory.buffer, 0, weights.length).set(weights)
    }
    return { period, step: inRate / a, taps, centres, weights, simd: kernel, inputAt }
  }

  /**
   * Outputs [first, last) whose taps all lie in the buffered input, by their phase's weights (into
   * `out`); returns a flag per output, 1 where it was computed (the rest need the general loop).
   */
  private producePhases(phases: Phases, first: number, last: number, out: Float32Array): Uint8Array {
    const { buf, bufStart, bufLen, halfWidth } = this
    const { period, step, taps, centres, weights, simd, inputAt } = phases
    const done = new Uint8Array(last - first)
    if (last <= first) return done
    if (simd) {
      grow(simd.memory, inputAt + bufLen * 4)
      new Float32Array(simd.memory.buffer, inputAt, bufLen).set(buf.subarray(0, bufLen))
    }
    // whole groups of four taps in SIMD, the rest (taps % 4) in JS
    const wide = simd ? taps & ~3 : 0
    const dot = simd?.dot
    // k = p + q * period: the weights of phase p, shifted by q * step input samples
    let p = ((first % period) + period) % period
    let shift = ((first - p) / period) * step - halfWidth + 1 - bufStart
    for (let k = first; k < last; k++) {
      const lo = centres[p]! + shift
      if (lo >= 0 && lo + taps <= bufLen) {
        const row = p * taps
        let acc = dot ? dot(inputAt + lo * 4, row * 4, wide * 4) : 0
        for (let t = wide; t < taps; t++) acc += buf[lo + t]! * weights[row + t]!
        out[k - first] = acc
        done[k - first] = 1
      }
      if (++p === period) {
        p = 0
        shift += step
      }
    }
    return done
  }

  /** Weight of input sample n for an output at input position x (0 past the kernel's reach). */
  private weight(x: number, n: number): number {
    const { table, resolution, cutoff } = this
    const pos = Math.abs(x - n) * cutoff * resolution
    const j = pos | 0
    if (j >= this.zeroCrossings * resolution) return 0
    return (table[j]! + (table[j + 1]! - table[j]!) * (pos - j)) * cutoff
  }

  /** Absolute input index (fractional) of output sample k. */
  private inputPosition(k: number): number {
    return (k / this.outRate - this.startTime) * this.inRate
  }

  /** Input samples received so far. */
  get inputLength(): number {
    return this.bufStart + this.bufLen
  }

  /** Song time just after the last input sample received. */
  get endTime(): Seconds {
    return this.startTime + this.inputLength / this.inRate
  }

  /** Appends mono input; returns the output samples that are now fully determined. */
  push(input: Float32Array): ResampledBlock {
    if (this.flushed) throw new Error('push() after flush(): start a new StreamingResampler for a new run')
    if (this.bufLen + input.length > this.buf.length) {
      const grown = new Float32Array(Math.max(this.buf.length * 2, this.bufLen + input.length))
      grown.set(this.buf.subarray(0, this.bufLen))
      this.buf = grown
    }
    this.buf.set(input, this.bufLen)
    this.bufLen += input.length
    return this.produce(false)
  }

  /** Ends the run: produces the remaining output, with silence assumed after the last input. */
  flush(): ResampledBlock {
    if (this.flushed) return { start: this.nextOut, samples: new Float32Array(0) }
    const out = this.produce(true)
    this.flushed = true
    return out
  }

  private produce(final: boolean): ResampledBlock {
    const total = this.inputLength
    const first = this.nextOut
    // non-final: output k needs input up to floor(x_k) + halfWidth, i.e. x_k < total - halfWidth;
    // final: every output sample whose time falls before the end of the input, i.e. x_k < total
    const bound = final ? total : total - this.halfWidth
    const ok = (k: number): boolean => this.inputPosition(k) < bound
    let last = Math.max(first, Math.ceil((this.startTime + bound / this.inRate) * this.outRate))
    while (last > first && !ok(last - 1)) last--
    while (ok(last)) last++
    const out = new Float32Array(last - first)
    const { buf, bufStart, bufLen, halfWidth, phases } = this
    const done = phases ? this.producePhases(phases, first, last, out) : new Uint8Array(0)
    for (let k = first; k < last; k++) {
      if (done[k - first]) continue
      // the general case, and outputs whose taps reach past the buffered input (a run's ends)
      const x = this.inputPosition(k)
      const centre = Math.floor(x)
      let acc = 0
      const from = Math.max(centre - halfWidth + 1, bufStart)
      const to = Math.min(centre + halfWidth, bufStart + bufLen - 1)
      for (let n = from; n <= to; n++) acc += buf[n - bufStart]! * this.weight(x, n)
      out[k - first] = acc
    }
    this.nextOut = last
    // keep only the input the next output sample can still reach
    const keepFrom = Math.max(bufStart, Math.floor(this.inputPosition(last)) - halfWidth)
    const drop = Math.min(keepFrom - bufStart, bufLen)
    if (drop > 0) {
      buf.copyWithin(0, drop, bufLen)
      this.bufStart += drop
      this.bufLen -= drop
    }
    return { start: first, samples: out }
  }
}

/** Grows a WebAssembly memory to hold at least `bytes`. */
function grow(memory: WebAssembly.Memory, bytes: number): void {
  const missing = bytes - memory.buffer.byteLength
  if (missing > 0) memory.grow(Math.ceil(missing / 65536))
}

/** Resamples a whole mono signal starting at time 0; output length ceil(n * outRate / inRate). */
export function resample(input: Float32Array, inRate: Hertz, outRate: Hertz, options?: ResamplerOptions): Float32Array {
  const r = new StreamingResampler(inRate, outRate, 0, options)
  const a = r.push(input)
  const b = r.flush()
  const out = new Float32Array(a.samples.length + b.samples.length)
  out.set(a.samples)
  out.set(b.samples, a.samples.length)
  return out
}

/** Mean of the channels of interleaved PCM. */
export function downmix(interleaved: Float32Array, channels: number): Float32Array {
  if (channels === 1) return interleaved
  const frames = Math.floor(interleaved.length / channels)
  const out = new Float32Array(frames)
  const scale = 1 / channels
  for (let i = 0; i < frames; i++) {
    let s = 0
    for (let c = 0; c < channels; c++) s += interleaved[i * channels + c]!
    out[i] = s * scale
  }
  return out
}
