/** Reads one curve of an analysis as normalised values (0..1) at each frame, with lyric gaps marked null. */
import type { Analysis, Conflict, Frame, Reading, Seconds } from '../analysis/types.js'
import type { CurveId, Head, Normalized, Quantity } from './types.js'

/** An analysis that cannot be exported: no frames, NaN values, frames out of order. */
export class AnalysisError extends Error {
  override name = 'AnalysisError'
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x)

/** Maps a quantity's natural range onto 0..1: valence and arousal span [-1, 1], probabilities [0, 1]. */
export function normalizeQuantity(q: Quantity, value: number): Normalized {
  return q === 'valence' || q === 'arousal' ? clamp01((value + 1) / 2) : clamp01(value)
}

function readingOf(frame: Frame, head: Head): Reading | null {
  return head === 'fused' ? frame : head === 'audio' ? frame.audio : frame.lyrics
}

function quantityOf(reading: Reading, q: Quantity): number {
  switch (q) {
    case 'valence':
      return reading.valence
    case 'arousal':
      return reading.arousal
    case 'negative':
      return reading.polarity[0]
    case 'neutral':
      return reading.polarity[1]
    case 'positive':
      return reading.polarity[2]
    case 'confidence':
      return reading.confidence
  }
}

/** The conflict score at time t: the strongest conflict whose span holds t, else 0. */
export function conflictAt(conflicts: Conflict[], t: Seconds): Normalized {
  let score = 0
  for (const c of conflicts) if (t >= c.start && t < c.end && c.score > score) score = c.score
  return clamp01(score)
}

/** One frame's value of a curve, normalised; null where the lyrics head has no reading. */
export function curveValue(curve: CurveId, frame: Frame, conflicts: Conflict[]): Normalized | null {
  if (curve === 'conflict') return conflictAt(conflicts, frame.t)
  const [head, q] = curve.split('.') as [Head, Quantity]
  const reading = readingOf(frame, head)
  if (reading === null || reading === undefined) return null
  const raw = quantityOf(reading, q)
  if (typeof raw !== 'number' || !Number.isFinite(raw)) {
    throw new AnalysisError(`frame at t=${frame.t} s has ${curve} = ${String(raw)}; expected a finite number (the analysis is corrupt: re-run emolane analyze)`)
  }
  return normalizeQuantity(q, raw)
}

/** Checks the frames an export needs: at least one, finite times, strictly increasing. */
export function checkFrames(analysis: Analysis): void {
  if (!analysis || !Array.isArray(analysis.frames)) throw new AnalysisError(`expected an emolane analysis with a frames array, got ${analysis === null ? 'null' : typeof analysis}`)
  if (analysis.frames.length === 0) throw new AnalysisError(`the analysis of ${JSON.stringify(analysis.source)} has no frames: nothing to export (analyse at least ${analysis.window ?? 6} s of audio first)`)
  let prev = -Infinity
  analysis.frames.forEach((f, i) => {
    if (typeof f?.t !== 'number' || !Number.isFinite(f.t) || f.t < 0) throw new AnalysisError(`frame ${i} has time ${String(f?.t)}; expected a finite, non-negative number of seconds`)
    if (f.t <= prev) throw new AnalysisError(`frame ${i} at t=${f.t} s is not after frame ${i - 1} at t=${prev} s; frames must be in time order`)
    prev = f.t
  })
  for (const c of analysis.conflicts ?? []) {
    if (![c.start, c.end, c.score].every(Number.isFinite)) throw new AnalysisError(`conflict in section ${JSON.stringify(c.section)} has a non-finite start, end or score`)
  }
}

/**
 * The curve at every frame, normalised, with lyric gaps filled: 'hold' takes the nearest earlier
 * sung value (the first sung value before any) and fails when nothing was sung; a number is used as
 * the normalised gap value.
 */
export function sampleCurve(analysis: Analysis, curve: CurveId, missing: 'hold' | number): { t: Seconds; v: Normalized }[] {
  const conflicts = analysis.conflicts ?? []
  const raw = analysis.frames.map((f) => curveValue(curve, f, conflicts))
  const firstKnown = raw.find((v) => v !== null)
  if ((firstKnown === undefined || firstKnown === null) && missing === 'hold') {
    throw new AnalysisError(`curve ${curve} has no values: no frame of ${JSON.stringify(analysis.source)} has a lyrics reading (were lyrics loaded?); map an audio or fused curve instead`)
  }
  let held: number = firstKnown ?? 0
  return analysis.frames.map((f, i) => {
    const v = raw[i]
    if (v !== null && v !== undefined) {
      held = v
      return { t: f.t, v }
    }
    return { t: f.t, v: missing === 'hold' ? held : clamp01(missing) }
  })
}
