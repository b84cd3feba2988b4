/** Turning raw onnxruntime outputs into readings: checks, renormalised probabilities, word moods. */
import type { Tensor } from 'onnxruntime-node'
import type { MoodWord, PolarityProbs } from '../analysis/types.js'
import type { HeadReading } from './emotion-model.js'

/** A model output that is not a finite number: the graphs or their inputs are broken. */
export class ModelOutputError extends Error {
  override name = 'ModelOutputError'
}

/** Mean token_va per word over its pieces; words without a letter or digit are left out. */
export function wordMoods(words: string[], wordOfToken: number[], tokenVa: Float32Array): MoodWord[] {
  const sums = words.map(() => ({ v: 0, a: 0, n: 0 }))
  wordOfToken.forEach((w, t) => {
    if (w < 0) return
    sums[w]!.v += tokenVa[t * 2]!
    sums[w]!.a += tokenVa[t * 2 + 1]!
    sums[w]!.n++
  })
  const out: MoodWord[] = []
  words.forEach((word, i) => {
    const s = sums[i]!
    if (s.n === 0 || !/[\p{L}\p{N}]/u.test(word)) return
    out.push({ word, valence: s.v / s.n, arousal: s.a / s.n })
  })
  return out
}

/** Per batch row, a head reading from its polarity and va tensors (checked finite, probabilities renormalised). */
export function readHeads(polarity: Tensor, va: Tensor, where: string): HeadReading[] {
  const p = polarity.data as Float32Array
  const v = va.data as Float32Array
  checkFinite(p, `${where} polarity`)
  checkFinite(v, `${where} valence/arousal`)
  const n = polarity.dims[0]!
  return Array.from({ length: n }, (_, b) => {
    const probs = normalise([p[b * 3]!, p[b * 3 + 1]!, p[b * 3 + 2]!])
    return { valence: clamp(v[b * 2]!), arousal: clamp(v[b * 2 + 1]!), polarity: probs }
  })
}

/** Renormalises float32 softmax output so it sums to 1 in float64. */
function normalise(p: [number, number, number]): PolarityProbs {
  const s = p[0] + p[1] + p[2]
  if (!(s > 0)) throw new ModelOutputError(`model polarity probabilities do not sum to a positive number: ${p.join(', ')}`)
  return [p[0] / s, p[1] / s, p[2] / s]
}

const clamp = (x: number): number => Math.max(-1, Math.min(1, x))

/** Throws ModelOutputError naming `what` at the first NaN or Inf. */
export function checkFinite(values: Float32Array, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new ModelOutputError(`${what} holds a non-finite value (${values[i]}) at index ${i}`)
  }
}

