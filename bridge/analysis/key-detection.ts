/** Chroma and key: pitch-class energy from a long FFT, matched against Krumhansl-Kessler key profiles. */
import type { Magnitudes } from './spectrogram.js'

const NOTE_NAMES = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'] as const
// Krumhansl & Kessler (1982) probe-tone ratings, tonic first.
const MAJOR = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88]
const MINOR = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17]

/** A key estimate; `strength` is the Pearson correlation with the best key profile. */
export type KeyEstimate = { key: string; tonic: number; mode: 'major' | 'minor'; strength: number }

export type ChromaOptions = {
  /** Lowest and highest frequency counted, Hz; default 80 .. 2000 */
  minHz?: number
  maxHz?: number
}

/** Mean chroma (12 pitch classes from C, summing to 1; zeros for silence) of magnitude spectra. */
export function chroma(spec: Magnitudes, options: ChromaOptions = {}): number[] {
  const minHz = options.minHz ?? 80
  const maxHz = options.maxHz ?? 2000
  const out = new Array<number>(12).fill(0)
  const hzPerBin = spec.sampleRate / spec.nFft
  const kLo = Math.max(1, Math.ceil(minHz / hzPerBin))
  const kHi = Math.min(spec.bins - 1, Math.floor(maxHz / hzPerBin))
  // each bin's pitch class, spread linearly between the two nearest semitones
  const lo = new Int32Array(kHi + 1)
  const frac = new Float64Array(kHi + 1)
  for (let k = kLo; k <= kHi; k++) {
    const midi = 69 + 12 * Math.log2((k * hzPerBin) / 440)
    const base = Math.floor(midi)
    lo[k] = ((base % 12) + 12) % 12
    frac[k] = midi - base
  }
  for (let f = 0; f < spec.frames; f++) {
    const row = f * spec.bins
    for (let k = kLo; k <= kHi; k++) {
      const e = spec.data[row + k]! ** 2
      out[lo[k]!]! += e * (1 - frac[k]!)
      out[(lo[k]! + 1) % 12]! += e * frac[k]!
    }
  }
  // compress so that a few loud partials do not decide the key alone
  const compressed = out.map((x) => Math.sqrt(x))
  const total = compressed.reduce((a, b) => a + b, 0)
  return total > 0 ? compressed.map((x) => x / total) : compressed
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length
  const ma = a.reduce((s, x) => s + x, 0) / n
  const mb = b.reduce((s, x) => s + x, 0) / n
  let num = 0
  let da = 0
  let db = 0
  for (let i = 0; i < n; i++) {
    num += (a[i]! - ma) * (b[i]! - mb)
    da += (a[i]! - ma) ** 2
    db += (b[i]! - mb) ** 2
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : 0
}

/** The best of the 24 major and minor keys for a chroma vector; null for silence. */
export function estimateKey(chromaVector: readonly number[]): KeyEstimate | null {
  if (chromaVector.every((x) => x === 0)) return null
  let best: KeyEstimate | null = null
  for (let tonic = 0; tonic < 12; tonic++) {
    for (const [mode, profile] of [['major', MAJOR], ['minor', MINOR]] as const) {
      const rotated = Array.from({ length: 12 }, (_, i) => profile[(i - tonic + 12) % 12]!)
      const r = pearson(chromaVector, rotated)
      if (!best || r > best.strength) best = { key: `${NOTE_NAMES[tonic]} ${mode}`, tonic, mode, strength: r }
    }
  }
  return best
}
