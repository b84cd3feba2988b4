/** Slicing a long-stretch audio encoding into one window's states (shared by EmotionModel and WorkerModel). */

/** Audio-encoder states of a stretch: `data[state * dim + d]`. */
export type StatesBlock = { data: Float32Array; count: number; dim: number }

/** Copies states [from, from + m) of `states` (zero states outside it) into a new (m, dim) array. */
export function sliceStates(states: StatesBlock, from: number, m: number): Float32Array {
  const out = new Float32Array(m * states.dim)
  const lo = Math.max(0, from)
  const hi = Math.min(states.count, from + m)
  if (hi > lo) out.set(states.data.subarray(lo * states.dim, hi * states.dim), (lo - from) * states.dim)
  return out
}
