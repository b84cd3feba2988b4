/**
 * Finds song sections from the audio when neither the DAW nor a file gives them: per 0.5 s block
 * features (timbre bands, chroma, loudness), a self-similarity matrix, Foote's checkerboard novelty,
 * peaks at least `minSectionSeconds` apart; parts that sound alike share a letter.
 */
import { magnitudes, type Magnitudes } from './spectrogram.js'
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
  const duration = pcm.length / sampleRate
  if (duration <= 0) return []
  const features = blockFeatures(pcm, sampleRate, o.blockSeconds)
  const n = features.length
  const minBlocks = Math.max(2, Math.round(o.minSectionSeconds / o.blockSeconds))
  const boundaries = duration < 2 * o.minSectionSeconds ? [] : findBoundaries(features, minBlocks)
  const edges = [0, ...boundaries.map((b) => b * o.blockSeconds), duration]
  const spans = edges.slice(0, -1).map((start, i) => ({ start, end: edges[i + 1]! }))
  const letters = labelParts(
    spans.map((s) => meanRows(features, Math.floor(s.start / o.blockSeconds), Math.min(n, Math.ceil(s.end / o.blockSeconds)))),
    o.sameLabelSimilarity,
  )
  return spans.map((s, i) => ({ start: s.start, end: s.end, name: `Part ${i + 1} (${letters[i]})`, source: 'detected' as const }))
}

/** z-scored features per block: 24 log bands, 12 chroma, loudness; each group weighted equally. */
export function blockFeatures(pcm: Float32Array, sampleRate: number, blockSeconds: Seconds): Float64Array[] {
  const nFft = 4096
  const hop = Math.max(1, Math.round((blockSeconds * sampleRate) / 4))
  const spec = magnitudes(pcm, sampleRate, nFft, hop)
  const blocks = Math.max(1, Math.ceil(pcm.length / (blockSeconds * sampleRate)))
  const raw = Array.from({ length: blocks }, () => new Float64Array(BANDS + 12 + 1))
  const counts = new Int32Array(blocks)
  const bandOf = bandMap(spec)
  const pitchOf = pitchMap(spec)
  for (let f = 0; f < spec.frames; f++) {
    const b = Math.min(blocks - 1, Math.floor((f * hop + nFft / 2) / (blockSeconds * sampleRate)))
    const row = raw[b]!
    const bands = new Float64Array(BANDS)
    const chroma = new Float64Array(12)
    let energy = 0
    for (let k = 1; k < spec.bins; k++) {
      const e = spec.data[f * spec.bins + k]! ** 2
      energy += e
      if (bandOf[k]! >= 0) bands[bandOf[k]!]! += e
      if (pitchOf[k]! >= 0) chroma[pitchOf[k]!]! += e
    }
    for (let i = 0; i < BANDS; i++) row[i]! += Math.log(bands[i]! + 1e-9)
    const total = chroma.reduce((a, x) => a + Math.sqrt(x), 0)
    for (let i = 0; i < 12; i++) row[BANDS + i]! += total > 0 ? Math.sqrt(chroma[i]!) / total : 0
    row[BANDS + 12]! += Math.log(energy + 1e-9)
    counts[b]!++
  }
  raw.forEach((row, b) => row.forEach((x, i) => (row[i] = counts[b]! > 0 ? x / counts[b]! : 0)))
  // z-score each dimension over the song, then weight groups so each counts about the same
  const dims = BANDS + 13
  for (let d = 0; d < dims; d++) {
    let mean = 0
    for (const r of raw) mean += r[d]!
    mean /= raw.length
    let v = 0
    for (const r of raw) v += (r[d]! - mean) ** 2
    const sd = Math.sqrt(v / raw.length) || 1
    const weight = d < BANDS ? 1 / Math.sqrt(BANDS) : d < BANDS + 12 ? 1 / Math.sqrt(12) : 0.5
    for (const r of raw) r[d] = ((r[d]! - mean) / sd) * weight
  }
  return raw
}

function bandMap(spec: Magnitudes): Int32Array {
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

function pitchMap(spec: Magnitudes): Int32Array {
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

/** Letters A, B, ... per part: a part takes the letter of the most similar earlier part when similar enough. */
export function labelParts(means: readonly Float64Array[], threshold: number): string[] {
  const prototypes: { letter: string; mean: Float64Array }[] = []
  return means.map((m) => {
    let best: { letter: string; s: number } | null = null
    for (const p of prototypes) {
      const s = cosine(m, p.mean)
      if (s >= threshold && (!best || s > best.s)) best = { letter: p.letter, s }
    }
    if (best) return best.letter
    const letter = prototypes.length < 26 ? String.fromCharCode(65 + prototypes.length) : `X${prototypes.length}`
    prototypes.push({ letter, mean: m })
    return letter
  })
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
