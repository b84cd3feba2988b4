/**
 * The heavy audio reading of the analysis as plain operations on buffers (block features for
 * section detection, section finding, cues), so that they can run on a worker thread
 * (analysis-worker.ts) or in-process with the same results.
 */
import { measureCues } from './cues.js'
import { BlockGeometry, blockFeaturesIn, detectSections, FEATURE_DIMS, sectionsFromFeatures, type DetectOptions } from './section-detection.js'
import { estimateTempo } from './tempo.js'
import type { MusicalCues, SectionSpan, Seconds } from './types.js'

/** Raw features of blocks [from, to) of a signal of `samples` samples, from its samples in `slice` (starting at `sliceStart`). */
export type BlockFeaturesRequest = { slice: Float32Array; sliceStart: number; samples: number; sampleRate: number; blockSeconds: Seconds; from: number; to: number }
/** Sections from every block's raw features, row after row (FEATURE_DIMS values each). */
export type DetectRequest = { raw: Float64Array; duration: Seconds; options: DetectOptions }
/** Cues of a section's audio. */
export type CuesRequest = { pcm: Float32Array; sampleRate: number; tempoBpm: number | null }
/** An audio file to decode to mono at `sampleRate` (Hz). */
export type DecodeRequest = { path: string; sampleRate: number }
/** A whole song read once by `analyze`: its sections (with `detect`; none were given) and its tempo (with `tempo`; none was given). */
export type SongRequest = { pcm: Float32Array; sampleRate: number; detect: DetectOptions | null; tempo: boolean }
/** What a SongRequest found; null where it was not asked for (or, for the tempo, where there is no beat). */
export type SongReading = { spans: SectionSpan[] | null; tempoBpm: number | null }

/** What runs the operations: a worker thread, or this thread. A request's buffers may be handed over (detached): pass fresh ones. */
export interface AudioAnalysisRunner {
  /** Raw features of the blocks, row after row (FEATURE_DIMS values each). */
  blockFeatures(request: BlockFeaturesRequest): Promise<Float64Array>
  detect(request: DetectRequest): Promise<SectionSpan[]>
  cues(request: CuesRequest): Promise<MusicalCues>
  song(request: SongRequest): Promise<SongReading>
  close(): Promise<void>
}

/** Block features, flattened. */
export function blockFeaturesOp(r: BlockFeaturesRequest): Float64Array {
  const g = new BlockGeometry(r.sampleRate, r.blockSeconds)
  const rows = blockFeaturesIn(r.slice, r.sliceStart, r.samples, g, r.from, r.to)
  const out = new Float64Array(rows.length * FEATURE_DIMS)
  rows.forEach((row, i) => out.set(row, i * FEATURE_DIMS))
  return out
}

/** Sections from flattened raw features. */
export function detectOp(r: DetectRequest): SectionSpan[] {
  const rows: Float64Array[] = []
  for (let i = 0; i + FEATURE_DIMS <= r.raw.length; i += FEATURE_DIMS) rows.push(r.raw.subarray(i, i + FEATURE_DIMS))
  return sectionsFromFeatures(rows, r.duration, r.options)
}

/** Cues of a section. */
export function cuesOp(r: CuesRequest): MusicalCues {
  return measureCues(r.pcm, r.sampleRate, { tempoBpm: r.tempoBpm })
}

/** Sections and tempo of a whole song. */
export function songOp(r: SongRequest): SongReading {
  return { spans: r.detect ? detectSections(r.pcm, r.sampleRate, r.detect) : null, tempoBpm: r.tempo ? estimateTempo(r.pcm, r.sampleRate) : null }
}

/** The operations on the calling thread (the fallback, and `analysisThread: 'main'`). */
export const inProcessAnalysis: AudioAnalysisRunner = {
  blockFeatures: async (r) => blockFeaturesOp(r),
  detect: async (r) => detectOp(r),
  cues: async (r) => cuesOp(r),
  song: async (r) => songOp(r),
  close: async () => {},
}
