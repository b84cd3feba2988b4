/**
 * Finds song sections from the audio when neither the DAW nor a file gives them: per 0.5 s block
 * features (timbre bands, chroma, loudness), a self-similarity matrix, Foote's checkerboard novelty,
 * peaks at least `minSectionSeconds` apart; parts that sound alike share a letter.
 */
import { Fft } from '../engine/fft.js'
import type { Magnitudes } from './spectrogram.js'
import type { SectionSpan, Seconds } from './types.js'

export type DetectOptions = {
  /** Shortest section, seconds; default 8 */
  minSectionSeconds?: Seconds
  /** Feature block length, seconds; default 0.5 (the model's state) */
  blockSeconds?: Seconds
  /** Cosine similarity of mean features above which two parts share a letter; default 0.5 */
  sameLabelSimilarity?: number
}

const defaults = { minSectionSeconds: 8, blockSeconds: 0.5, sameLabelSimilarity: 0.5 }

const BANDS = 24

/** Section spans covering the audio, named 'Part n (A)'; one span for audio shorter than two sections. */
export function detectSections(pcm: Float32Array, sampleRate: number, options: DetectOptions = {}): SectionSpan[] {
  const o = { ...defaults, ...options }
  if (pcm.length <= 0) return []
  return sectionsFromFeatures(rawBlockFeatures(pcm, sampleRate, o.blockSeconds), pcm.length / sampleRate, options)
}

/** detectSections from per-block features (rawBlockFeatures, or the same blocks computed a few at a time as audio arrives). */
export function sectionsFromFeatures(raw: readonly Float64Array[], duration: Seconds, options: DetectOptions = {}): SectionSpan[] {
  const o = { ...defaults, ...options }
  if (duration <= 0 || raw.length === 0) return []
  const features = normaliseFeatures(raw)
  const n = features.length
  const minBlocks = Math.max(2, Math.round(o.minSectionSeconds / o.blockSeconds))
  const boundaries = duration < 2 * o.minSectionSeconds ? [] : findBoundaries(features, minBlocks)
  const edges = [0, ...boundaries.map((b) => b * o.blockSeconds), duration]
  const spans = edges.slice(0, -1).map((start, i) => ({ start, end: edges[i + 1]! }))
  const ranges = spans.map((s) => [Math.floor(s.start / o.blockSeconds), Math.min(n, Math.ceil(s.end / o.blockSeconds))] as const)
  const means = ranges.map(([a, b]) => meanRows(features, a, b))
  const letters = labelParts(means, o.sameLabelSimilarity, withinSpread(features, ranges, means))
  return spans.map((s, i) => ({ start: s.start, end: s.end, name: `Part ${i + 1} (${letters[i]})`, source: 'detected' as const }))
}

/** z-scored features per block: 24 log bands, 12 chroma, loudness; each group weighted equally. */
export function blockFeatures(pcm: Float32Array, sampleRate: number, blockSeconds: Seconds): Float64Array[] {
  return normaliseFeatures(rawBlockFeatures(pcm, sampleRate, blockSeconds))
}

/** Values per block feature row. */
export const FEATURE_DIMS = BANDS + 13

/**
 * Where the block features come from: 4096-point spectra every quarter block; spectrum f covers
 * samples [f * hop, f * hop + nFft) and belongs to the block holding its centre.
 */
export class BlockGeometry {
  readonly nFft = 4096
  readonly hop: number
  /** Samples per block (may be fractional for odd rates). */
  readonly blockSamples: number

  constructor(
    readonly sampleRate: number,
    readonly blockSeconds: Seconds,
  ) {
    this.hop = Math.max(1, Math.round((blockSeconds * sampleRate) / 4))
    this.blockSamples = blockSeconds * sampleRate
  }

  /** Blocks of a signal of `samples` samples (at least one). */
  blocks(samples: number): number {
    return Math.max(1, Math.ceil(samples / this.blockSamples))
  }

  /** Spectra of a signal of `samples` samples: those inside it, or one zero-padded when it is shorter than nFft. */
  frames(samples: number): number {
    return samples >= this.nFft ? 1 + Math.floor((samples - this.nFft) / this.hop) : samples > 0 ? 1 : 0
  }

  /** Block of spectrum f in a signal of `blocks` blocks. */
  blockOf(f: number, blocks: number): number {
    return Math.min(blocks - 1, Math.floor((f * this.hop + this.nFft / 2) / this.blockSamples))
  }

  /** First spectrum whose block is >= b. */
  firstFrameOf(b: number, blocks: number): number {
    let f = Math.max(0, Math.floor((b * this.blockSamples - this.nFft / 2) / this.hop) - 1)
    while (this.blockOf(f, blocks) < b) f++
    return f
  }

  /** Samples [a, b) that the spectra of blocks [from, to) read, in a signal of `samples` samples. */
  samplesOf(from: number, to: number, samples: number): [number, number] {
    const blocks = this.blocks(samples)
    const frames = this.frames(samples)
    const f0 = Math.min(frames, this.firstFrameOf(from, blocks))
    const f1 = to >= blocks ? frames : Math.min(frames, this.firstFrameOf(to, blocks))
    if (f1 <= f0) return [0, 0]
    return [f0 * this.hop, Math.min(samples, (f1 - 1) * this.hop + this.nFft)]
  }

  /** True when every spectrum of block b lies inside a signal of `samples` samples (more audio after it cannot change it). */
  complete(b: number, samples: number): boolean {
    const blocks = this.blocks(samples)
    if (b >= blocks - 1) return false
    // the next block's first spectrum exists: block b has all of its spectra
    return this.firstFrameOf(b + 1, blocks) < this.frames(samples)
  }
}

/** Per-block means of the raw features (not yet normalised) of a whole signal. */
export function rawBlockFeatures(pcm: Float32Array, sampleRate: number, blockSeconds: Seconds): Float64Array[] {
  const g = new BlockGeometry(sampleRate, blockSeconds)
  return blockFeaturesIn(pcm, 0, pcm.length, g, 0, g.blocks(pcm.length))
}

/**
 * Raw features of blocks [from, to) of a signal of `samples` samples, given `slice`, its samples from
 * `sliceStart` on (covering at least geometry.samplesOf(from, to, samples)). Equal, value for value,
 * to the same blocks of rawBlockFeatures over the whole signal.
 */
export function blockFeaturesIn(slice: Float32Array, sliceStart: number, samples: number, g: BlockGeometry, from: number, to: number): Float64Array[] {
  const blocks = g.blocks(samples)
  const frames = g.frames(samples)
  const rows = Array.from({ length: Math.max(0, to - from) }, () => new Float64Array(FEATURE_DIMS))
  const counts = new Int32Array(rows.length)
  const spectrum = new SpectrumFeatures(g)
  const end = Math.min(samples, sliceStart + slice.length)
  for (let f = Math.min(frames, g.firstFrameOf(from, blocks)); f < frames; f++) {
    const b = g.blockOf(f, blocks)
    if (b >= to) break
    spectrum.add(slice, f * g.hop - sliceStart, end - sliceStart, rows[b - from]!)
    counts[b - from]!++
  }
  rows.forEach((row, i) => row.forEach((x, d) => (row[d] = counts[i]! > 0 ? x / counts[i]! : 0)))
  return rows
}

/** The per-spectrum part of the block features: one FFT, then log bands, chroma and energy added to a row. */
class SpectrumFeatures {
  private readonly fft: Fft
  private readonly window: Float64Array
  private readonly frame: Float64Array
  private readonly power: Float64Array
  private readonly bandOf: Int32Array
  private readonly pitchOf: Int32Array
  private readonly bins: number

  constructor(g: BlockGeometry) {
    this.fft = new Fft(g.nFft)
    this.window = hann(g.nFft)
    this.bins = g.nFft / 2 + 1
    this.frame = new Float64Array(g.nFft)
    this.power = new Float64Array(this.bins)
    const spec = { bins: this.bins, sampleRate: g.sampleRate, nFft: g.nFft }
    this.bandOf = bandMap(spec)
    this.pitchOf = pitchMap(spec)
  }

  /** Adds the features of the spectrum at slice[start ..] (zeros at and past `end`) to `row`. */
  add(slice: Float32Array, start: number, end: number, row: Float64Array): void {
    const n = this.frame.length
    for (let k = 0; k < n; k++) {
      const i = start + k
      this.frame[k] = i < end ? slice[i]! * this.window[k]! : 0
    }
    this.fft.powerSpectrum(this.frame, this.power)
    const bands = new Float64Array(BANDS)
    const chroma = new Float64Array(12)
    let energy = 0
    for (let k = 1; k < this.bins; k++) {
      // the magnitude as a float32 spectrogram stores it, squared: the values detectSections always used
      const e = Math.fround(Math.sqrt(this.power[k]!)) ** 2
      energy += e
      if (this.bandOf[k]! >= 0) bands[this.bandOf[k]!]! += e
      if (this.pitchOf[k]! >= 0) chroma[this.pitchOf[k]!]! += e
    }
    for (let i = 0; i < BANDS; i++) row[i]! += Math.log(bands[i]! + 1e-9)
    const total = chroma.reduce((a, x) => a + Math.sqrt(x), 0)
    for (let i = 0; i < 12; i++) row[BANDS + i]! += total > 0 ? Math.sqrt(chroma[i]!) / total : 0
    row[BANDS + 12]! += Math.log(energy + 1e-9)
  }
}

/** z-scores each dimension over the song (a copy), then weights groups so each counts about the same. */
export function normaliseFeatures(raw: readonly Float64Array[]): Float64Array[] {
  const out = raw.map((r) => Float64Array.from(r))
  const dims = FEATURE_DIMS
  for (let d = 0; d < dims; d++) {
    let mean = 0
    for (const r of out) mean += r[d]!
    mean /= out.length
    let v = 0
    for (const r of out) v += (r[d]! - mean) ** 2
    const sd = Math.sqrt(v / out.length) || 1
    const weight = d < BANDS ? 1 / Math.sqrt(BANDS) : d < BANDS + 12 ? 1 / Math.sqrt(12) : 0.5
    for (const r of out) r[d] = ((r[d]! - mean) / sd) * weight
  }
  return out
}

const hannWindows = new Map<number, Float64Array>()
function hann(n: number): Float64Array {
  let w = hannWindows.get(n)
  if (!w) {
    w = Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n))
    hannWindows.set(n, w)
  }
  return w
}

type SpectrumShape = Pick<Magnitudes, 'bins' | 'sampleRate' | 'nFft'>

function bandMap(spec: SpectrumShape): Int32Array {
  const out = new Int32Array(spec.bins).fill(-1)
  const lo = Math.log(60)
  const hi = Math.log(Math.min(8000, spec.sampleRate / 2))
  for (let k = 1; k < spec.bins; k++) {
    const f = (k * spec.sampleRate) / spec.nFft
    if (f < 60 || f >= Math.exp(hi)) continue
    out[k] = Math.min(BANDS - 1, Math.floor(((Math.log(f) - lo) / (hi - lo)) * BANDS))
  }
  return out
}

function pitchMap(spec: SpectrumShape): Int32Array {
  const out = new Int32Array(spec.bins).fill(-1)
  for (let k = 1; k < spec.bins; k++) {
    const f = (k * spec.sampleRate) / spec.nFft
    if (f < 80 || f > 2000) continue
    out[k] = (((Math.round(69 + 12 * Math.log2(f / 440)) % 12) + 12) % 12)
  }
  return out
}

/** Block indices of section boundaries: novelty peaks at least minBlocks apart and from the ends. */
export function findBoundaries(features: readonly Float64Array[], minBlocks: number): number[] {
  const n = features.length
  // smooth over 2 blocks each side: sections, not notes
  const smooth = features.map((_, i) => meanRows(features, Math.max(0, i - 2), Math.min(n, i + 3)))
  const unit = smooth.map((r) => {
    const norm = Math.hypot(...r) || 1
    return r.map((x) => x / norm)
  })
  const sim = (i: number, j: number) => {
    let s = 0
    const a = unit[i]!
    const b = unit[j]!
    for (let d = 0; d < a.length; d++) s += a[d]! * b[d]!
    return s
  }
  const half = Math.max(2, Math.floor(minBlocks / 2))
  const novelty = new Float64Array(n)
  for (let c = half; c <= n - half; c++) {
    let s = 0
    let w = 0
    for (let i = -half; i < half; i++) {
      for (let j = -half; j < half; j++) {
        const taper = Math.exp(-0.5 * (((i + 0.5) / half) ** 2 + ((j + 0.5) / half) ** 2) * 4)
        const sign = (i < 0) === (j < 0) ? 1 : -1
        s += sign * taper * sim(c + i, c + j)
        w += taper
      }
    }
    novelty[c] = Math.max(0, s / w)
  }
  const inner = Array.from(novelty.slice(minBlocks, n - minBlocks + 1))
  if (inner.length === 0) return []
  const mean = inner.reduce((a, b) => a + b, 0) / inner.length
  const sd = Math.sqrt(inner.reduce((a, b) => a + (b - mean) ** 2, 0) / inner.length)
  const floor = Math.max(mean + 0.5 * sd, 0.05)
  const peaks: number[] = []
  for (let c = minBlocks; c <= n - minBlocks; c++) {
    const v = novelty[c]!
    if (v < floor) continue
    let isPeak = true
    for (let d = 1; d <= half && isPeak; d++) {
      if ((c - d >= 0 && novelty[c - d]! > v) || (c + d < n && novelty[c + d]! > v)) isPeak = false
    }
    if (isPeak) peaks.push(c)
  }
  const chosen: number[] = []
  for (const p of peaks.sort((a, b) => novelty[b]! - novelty[a]!)) {
    if (chosen.every((q) => Math.abs(q - p) >= minBlocks)) chosen.push(p)
  }
  return chosen.sort((a, b) => a - b)
}

function meanRows(rows: readonly Float64Array[], from: number, to: number): Float64Array {
  const out = new Float64Array(rows[0]?.length ?? 0)
  const count = Math.max(1, to - from)
  for (let i = from; i < to; i++) rows[i]!.forEach((x, d) => (out[d]! += x / count))
  return out
}

/** Root-mean-square distance of each block from its part's mean: how much a part varies inside itself. */
function withinSpread(features: readonly Float64Array[], ranges: readonly (readonly [number, number])[], means: readonly Float64Array[]): number {
  let sum = 0
  let count = 0
  ranges.forEach(([a, b], p) => {
    for (let i = a; i < b; i++) {
      sum += distance(features[i]!, means[p]!) ** 2
      count++
    }
  })
  return count > 0 ? Math.sqrt(sum / count) : 0
}

/**
 * Letters A, B, ... per part: a part takes the letter of the most similar earlier part when it
 * sounds like it. With `spread` (how much a part varies inside itself, see withinSpread), "sounds
 * like" also needs the two means to lie closer than that spread: two parts far apart (a death-metal
 * part and a Beach Boys part) never share a letter for pointing the same way from the song's mean,
 * and two halves of one calm stretch, whose means lie close together but point anywhere, share one.
 */
export function labelParts(means: readonly Float64Array[], threshold: number, spread?: number): string[] {
  const prototypes: { letter: string; mean: Float64Array }[] = []
  return means.map((m) => {
    let best: { letter: string; s: number } | null = null
    for (const p of prototypes) {
      const s = cosine(m, p.mean)
      const d = spread === undefined ? null : distance(m, p.mean) / Math.max(spread, 1e-9)
      const alike = d === null ? s >= threshold : d <= CLOSE || (s >= threshold && d <= FAR)
      // rank by closeness where the spread is known, else by angle
      const score = d === null ? s : -d
      if (alike && (!best || score > best.s)) best = { letter: p.letter, s: score }
    }
    if (best) return best.letter
    const letter = prototypes.length < 26 ? String.fromCharCode(65 + prototypes.length) : `X${prototypes.length}`
    prototypes.push({ letter, mean: m })
    return letter
  })
}

/** Means closer than this many spreads always sound alike; farther than FAR never do. */
const CLOSE = 0.5
const FAR = 1.5

function distance(a: Float64Array, b: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2
  return Math.sqrt(s)
}

function cosine(a: Float64Array, b: Float64Array): number {
  let s = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    s += a[i]! * b[i]!
    na += a[i]! ** 2
    nb += b[i]! ** 2
  }
  return na > 0 && nb > 0 ? s / Math.sqrt(na * nb) : 0
}
