/**
 * Band-limited resampling (Kaiser-windowed sinc) onto an absolute output grid, streaming block by
 * block: a run of contiguous input starting at song time t0 produces output sample k at song time
 * k / outRate, so runs that start anywhere line up on the same 16 kHz timeline.
 */
import type { Seconds } from '../analysis/types.js'

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
}

const defaults = { zeroCrossings: 16, rolloff: 0.95, kaiserBeta: 8, tableResolution: 512 }

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
    const { buf, bufStart, bufLen, halfWidth, cutoff, table, resolution, zeroCrossings } = this
    const limit = zeroCrossings * resolution
    for (let k = first; k < last; k++) {
      const x = this.inputPosition(k)
      const centre = Math.floor(x)
      let acc = 0
      const from = Math.max(centre - halfWidth + 1, bufStart)
      const to = Math.min(centre + halfWidth, bufStart + bufLen - 1)
      for (let n = from; n <= to; n++) {
        const pos = Math.abs(x - n) * cutoff * resolution
        const j = pos | 0
        if (j >= limit) continue
        const frac = pos - j
        acc += buf[n - bufStart]! * (table[j]! + (table[j + 1]! - table[j]!) * frac)
      }
      out[k - first] = acc * cutoff
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
