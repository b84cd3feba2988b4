/** In-place radix-2 complex FFT with cached twiddles, for the log-mel front end and audio cues. */

/** A forward FFT of one power-of-two size; reuse it across frames. */
export class Fft {
  readonly size: number
  /** Index pairs (i, j), i < j, that the bit-reversal permutation swaps. */
  private readonly swaps: Uint32Array
  /** Twiddles e^(-i pi k / half) of every stage from the second on, each stage's `half` of them in a row. */
  private readonly stageCos: Float64Array
  private readonly stageSin: Float64Array
  private scratchRe: Float64Array | undefined
  private scratchIm: Float64Array | undefined
  private half: Fft | undefined
  private splitCos: Float64Array | undefined
  private splitSin: Float64Array | undefined

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2 || (size & (size - 1)) !== 0) {
      throw new RangeError(`FFT size must be a power of two >= 2, got ${size}`)
    }
    this.size = size
    const bits = Math.log2(size)
    const swaps: number[] = []
    for (let i = 0; i < size; i++) {
      let r = 0
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b)
      if (r > i) swaps.push(i, r)
    }
    this.swaps = Uint32Array.from(swaps)
    this.stageCos = new Float64Array(Math.max(0, size - 2))
    this.stageSin = new Float64Array(Math.max(0, size - 2))
    for (let half = 2, at = 0; half < size; at += half, half *= 2) {
      for (let k = 0; k < half; k++) {
        this.stageCos[at + k] = Math.cos((Math.PI * k) / half)
        this.stageSin[at + k] = -Math.sin((Math.PI * k) / half)
      }
    }
  }

  /** Transforms (re, im), each `size` long, in place: X[k] = sum x[n] e^(-2 pi i k n / size). */
  transform(re: Float64Array, im: Float64Array): void {
    const n = this.size
    if (re.length !== n || im.length !== n) throw new RangeError(`FFT expects arrays of ${n}, got ${re.length} and ${im.length}`)
    const swaps = this.swaps
    for (let p = 0; p < swaps.length; p += 2) {
      const i = swaps[p]!
      const j = swaps[p + 1]!
      let t = re[i]!; re[i] = re[j]!; re[j] = t
      t = im[i]!; im[i] = im[j]!; im[j] = t
    }
    // the first stage's twiddle is 1: additions only
    for (let a = 0; a + 1 < n; a += 2) {
      const br = re[a + 1]!
      const bi = im[a + 1]!
      re[a + 1] = re[a]! - br
      im[a + 1] = im[a]! - bi
      re[a] = re[a]! + br
      im[a] = im[a]! + bi
    }
    const cos = this.stageCos
    const sin = this.stageSin
    for (let half = 2, at = 0; half < n; at += half, half *= 2) {
      for (let start = 0; start < n; start += 2 * half) {
        for (let k = 0; k < half; k++) {
          const wr = cos[at + k]!
          const wi = sin[at + k]!
          const a = start + k
          const b = a + half
          const xr = re[b]! * wr - im[b]! * wi
          const xi = re[b]! * wi + im[b]! * wr
          re[b] = re[a]! - xr
          im[b] = im[a]! - xi
          re[a] = re[a]! + xr
          im[a] = im[a]! + xi
        }
      }
    }
  }

  /** Power spectrum |X[k]|^2 for k in 0..size/2 of a real frame (`frame` is left untouched). */
  powerSpectrum(frame: Float64Array, out: Float64Array = new Float64Array(this.size / 2 + 1)): Float64Array {
    const n = this.size
    if (frame.length !== n) throw new RangeError(`FFT expects a frame of ${n}, got ${frame.length}`)
    if (n < 4) {
      const re = Float64Array.from(frame)
      const im = new Float64Array(n)
      this.transform(re, im)
      for (let k = 0; k <= n / 2; k++) out[k] = re[k]! * re[k]! + im[k]! * im[k]!
      return out
    }
    // a real frame of n as a complex one of n/2 (even samples real, odd imaginary), then untangled
    const half = (this.half ??= new Fft(n / 2))
    const m = n / 2
    if (!this.splitCos || !this.splitSin) {
      this.splitCos = Float64Array.from({ length: m + 1 }, (_, k) => Math.cos((2 * Math.PI * k) / n))
      this.splitSin = Float64Array.from({ length: m + 1 }, (_, k) => -Math.sin((2 * Math.PI * k) / n))
    }
    const cos = this.splitCos
    const sin = this.splitSin
    const re = (this.scratchRe ??= new Float64Array(m))
    const im = (this.scratchIm ??= new Float64Array(m))
    for (let i = 0; i < m; i++) {
      re[i] = frame[2 * i]!
      im[i] = frame[2 * i + 1]!
    }
    half.transform(re, im)
    for (let k = 0; k <= m; k++) {
      const a = k === m ? 0 : k
      const b = k === 0 ? 0 : m - k
      // E[k] = (Z[k] + conj Z[m-k]) / 2, O[k] = (Z[k] - conj Z[m-k]) / 2i
      const er = (re[a]! + re[b]!) / 2
      const ei = (im[a]! - im[b]!) / 2
      const or = (im[a]! + im[b]!) / 2
      const oi = -(re[a]! - re[b]!) / 2
      // X[k] = E[k] + e^(-2 pi i k / n) O[k]
      const c = cos[k]!
      const s = sin[k]!
      const xr = er + c * or - s * oi
      const xi = ei + c * oi + s * or
      out[k] = xr * xr + xi * xi
    }
    return out
  }
}
