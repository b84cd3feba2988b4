/** Readings from raw head outputs: label, confidence (1 - normalised entropy) and means. */
import type { HeadReading } from '../engine/emotion-model.js'
import { POLARITY_LABELS, type PolarityProbs, type Probability, type Reading } from './types.js'

/** 1 - H(p) / ln 3: 1 for a certain head, 0 for a uniform one. */
export function confidence(p: PolarityProbs): Probability {
  let h = 0
  for (const x of p) if (x > 0) h -= x * Math.log(x)
  return Math.min(1, Math.max(0, 1 - h / Math.log(p.length)))
}

/** The most probable polarity class (ties go to the earlier class). */
export function labelOf(p: PolarityProbs): Reading['label'] {
  let best = 0
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i
  return POLARITY_LABELS[best]!
}

/** A head's raw output as a Reading. */
export function toReading(head: HeadReading): Reading {
  const polarity: PolarityProbs = [...head.polarity]
  return { valence: head.valence, arousal: head.arousal, polarity, label: labelOf(polarity), confidence: confidence(polarity) }
}

/** Mean valence, arousal and probabilities of readings (weights optional), relabelled; null for none. */
export function meanReading(readings: readonly Reading[], weights?: readonly number[]): Reading | null {
  if (readings.length === 0) return null
  let w = 0
  let v = 0
  let a = 0
  const p = [0, 0, 0]
  readings.forEach((r, i) => {
    const wi = weights?.[i] ?? 1
    w += wi
    v += wi * r.valence
    a += wi * r.arousal
    for (let k = 0; k < 3; k++) p[k]! += wi * r.polarity[k]!
  })
  if (!(w > 0)) return null
  const s = p[0]! + p[1]! + p[2]!
  return toReading({ valence: v / w, arousal: a / w, polarity: [p[0]! / s, p[1]! / s, p[2]! / s] })
}
