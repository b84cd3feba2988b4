/** Tempo from the audio: autocorrelation of a spectral-flux onset envelope, weighted towards 120 bpm. */
import { magnitudes } from './spectrogram.js'

export type TempoOptions = {
  /** Slowest and fastest tempo considered, bpm; default 60 .. 200 */
  minBpm?: number
  maxBpm?: number
  /** Longer audio is measured over this many seconds from its middle, default 60 (a song's one tempo is there; the whole of a 3-minute song took 0.55 s and a 38 MB spectrogram) */
  maxSeconds?: number
}

/** Onset strength per hop: half-wave rectified increase of log magnitude (floored 50 dB under the peak), summed over bins. */
export function onsetEnvelope(pcm: Float32Array, sampleRate: number, nFft = 1024, hop = 160): { env: Float64Array; rate: number } {
  const spec = magnitudes(pcm, sampleRate, nFft, hop)
  const { data, bins } = spec
  let peak = 0
  for (let i = 0; i < data.length; i++) if (data[i]! > peak) peak = data[i]!
  // below the floor, leakage and interference flicker would read as onsets
  const floor = Math.max(peak * 10 ** (-50 / 20), 1e-9)
  // the sum of the rises of log magnitude is the log of the product of the rising ratios: one log a
  // frame instead of one a bin (a 3-minute song has ten million bins, and Math.log was most of the time)
  const env = new Float64Array(spec.frames)
  for (let f = 1; f < spec.frames; f++) {
    let logs = 0
    let product = 1
    for (let k = 1, i = f * bins + 1; k < bins; k++, i++) {
      const now = Math.max(data[i]!, floor)
      const before = Math.max(data[i - bins]!, floor)
      if (now > before) {
        product *= now / before
        // each ratio is at most 10^2.5 (peak over floor): fold the product into the sum long before it could overflow
        if (product > 1e250) {
          logs += Math.log(product)
          product = 1
        }
      }
    }
    env[f] = logs + Math.log(product)
  }
  return { env, rate: sampleRate / hop }
}

/** Estimated tempo in bpm (0.1 resolution), or null for audio under 5 s or without a beat. */
export function estimateTempo(pcm: Float32Array, sampleRate: number, options: TempoOptions = {}): number | null {
  const minBpm = options.minBpm ?? 60
  const maxBpm = options.maxBpm ?? 200
  const most = Math.round((options.maxSeconds ?? 60) * sampleRate)
  if (pcm.length > most) pcm = pcm.subarray((pcm.length - most) >> 1, ((pcm.length - most) >> 1) + most)
  if (pcm.length < 5 * sampleRate) return null
  const { env, rate } = onsetEnvelope(pcm, sampleRate)
  // steady sound: far under one dB of rise per hop summed over the spectrum (music reads tens)
  const meanOnset = env.reduce((a, b) => a + b, 0) / Math.max(1, env.length)
  if (meanOnset < 2) return null
  // remove the slow trend (1 s moving mean) so that loudness changes are not beats
  const reach = Math.round(rate / 2)
  const detrended = new Float64Array(env.length)
  let acc = 0
  const prefix = new Float64Array(env.length + 1)
  for (let i = 0; i < env.length; i++) prefix[i + 1] = acc += env[i]!
  for (let i = 0; i < env.length; i++) {
    const lo = Math.max(0, i - reach)
    const hi = Math.min(env.length, i + reach + 1)
    detrended[i] = Math.max(0, env[i]! - (prefix[hi]! - prefix[lo]!) / (hi - lo))
  }
  const minLag = Math.floor((60 / maxBpm) * rate)
  const maxLag = Math.ceil((60 / minBpm) * rate)
  if (maxLag >= detrended.length / 2) return null
  const ac = new Float64Array(maxLag + 2)
  for (let lag = 0; lag <= maxLag + 1; lag++) {
    let s = 0
    for (let i = lag; i < detrended.length; i++) s += detrended[i]! * detrended[i - lag]!
    ac[lag] = s / (detrended.length - lag)
  }
  if (!(ac[0]! > 0)) return null
  let bestLag = -1
  let bestScore = 0
  for (let lag = Math.max(1, minLag); lag <= maxLag; lag++) {
    const bpm = (60 * rate) / lag
    // log-normal prior around 120 bpm (one octave wide), as in common beat trackers
    const prior = Math.exp(-0.5 * Math.log2(bpm / 120) ** 2)
    const score = (ac[lag]! / ac[0]!) * prior
    if (score > bestScore && ac[lag]! >= ac[lag - 1]! && ac[lag]! >= ac[lag + 1]!) {
      bestScore = score
      bestLag = lag
    }
  }
  // a flat autocorrelation has no beat worth reporting
  if (bestLag < 0 || bestScore < 0.05) return null
  const [a, b, c] = [ac[bestLag - 1]!, ac[bestLag]!, ac[bestLag + 1]!]
  const shift = a - 2 * b + c !== 0 ? (0.5 * (a - c)) / (a - 2 * b + c) : 0
  return Math.round(((60 * rate) / (bestLag + shift)) * 10) / 10
}
