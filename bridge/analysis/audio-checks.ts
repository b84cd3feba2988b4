/** Checks on PCM before analysis: empty, non-finite or absurdly loud audio gets a clear error. */

/** Audio that cannot be analysed, with what was expected and what arrived. */
export class AudioInputError extends Error {
  override name = 'AudioInputError'
}

/** Throws AudioInputError for empty PCM, NaN/Inf samples, or samples far outside [-1, 1]. */
export function checkPcm(pcm: Float32Array, sampleRate: number, what = 'audio'): void {
  if (pcm.length === 0) throw new AudioInputError(`${what} is empty: expected at least one sample at ${sampleRate} Hz, got none`)
  let bad = 0
  let first = -1
  let peak = 0
  for (let i = 0; i < pcm.length; i++) {
    const x = pcm[i]!
    if (!Number.isFinite(x)) {
      if (first < 0) first = i
      bad++
    } else if (Math.abs(x) > peak) peak = Math.abs(x)
  }
  if (bad > 0) {
    throw new AudioInputError(`${what} holds ${bad} non-finite samples (NaN or Inf), the first at ${(first / sampleRate).toFixed(3)} s: expected float PCM in [-1, 1]`)
  }
  // float PCM from a DAW may overshoot a little; 16-bit integers passed as floats do not
  if (peak > 64) throw new AudioInputError(`${what} peaks at ${peak.toFixed(1)}: expected float PCM in [-1, 1] (integer samples passed as floats?)`)
}
