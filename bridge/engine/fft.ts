/** In-place radix-2 complex FFT with cached twiddles, for the log-mel front end and audio cues. */

/** A forward FFT of one power-of-two size; reuse it across frames. */
export class Fft {
  readonly size: number
  private readonly cos: Float64Array
  private readonly sin: Float64Array
  private readonly reversed: Uint32Array
  private scratchRe: Float64Array | undefined
  private scratchIm: Float64Array | undefined

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2 || (size & (size - 1)) !== 0) {
      throw new RangeError(`FFT size must be a power of two >= 2, got ${size}`)
    }
    this.size = size
    this.cos = new Float64Array(size / 2)
    this.sin = new Float64Array(size / 2)
    for (let k = 0; k < size / 2; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / size)
      this.sin[k] = -Math.sin((2 * Math.PI * k) / size)
    }
    const bits = Math.log2(size)
    this.reversed = new Uint32Array(size)
    for (let i = 0; i < size; i++) {
      let r = 0
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b)
      this.reversed[i] = r
    }
  }

  /** Transforms (re, im), each `size` long, in place: X[k] = sum x[n] e^(-2 pi i k n / size). */
  transform(re: Float64Array, im: Float64Array): void {
    const n = this.size
    if (re.length !== n || im.length !== n) throw new RangeError(`FFT expects arrays of ${n}, got ${re.length} and ${im.length}`)
    for (let i = 0; i < n; i++) {
      const j = this.reversed[i]!
      if (j > i) {
        let t = re[i]!; re[i] = re[j]!; re[j] = t
        t = im[i]!; im[i] = im[j]!; im[j] = t
      }
    }
    for (let half = 1; half < n; half *= 2) {
      const step = n / (2 * half)
      for (let start = 0; start < n; start += 2 * half) {
        for (let k = 0; k < half; k++) {
          const wr = this.cos[k * step]!
          const wi = this.sin[k * step]!
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
    const re = (this.scratchRe ??= new Float64Array(this.size))
    const im = (this.scratchIm ??= new Float64Array(this.size))
    re.set(frame)
    im.fill(0)
    this.transform(re, im)
    for (let k = 0; k <= this.size / 2; k++) out[k] = re[k]! * re[k]! + im[k]! * im[k]!
    return out
  }
}
