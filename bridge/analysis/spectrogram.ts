/** Short-time magnitude spectra for the audible cues (not the model's log-mel: cues want other resolutions). */
import { Fft } from '../engine/fft.js'

/** Magnitude spectra: `frames` rows of `bins` values, row-major. */
export type Magnitudes = { data: Float32Array; frames: number; bins: number; hop: number; nFft: number; sampleRate: number }

const windows = new Map<number, Float64Array>()
function hann(n: number): Float64Array {
  let w = windows.get(n)
  if (!w) {
    w = Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n))
    windows.set(n, w)
  }
  return w
}

/** |STFT| with a Hann window of nFft and the given hop; frames start at sample 0 and stay inside the signal. */
export function magnitudes(pcm: Float32Array, sampleRate: number, nFft: number, hop: number): Magnitudes {
  const fft = new Fft(nFft)
  const w = hann(nFft)
  const bins = nFft / 2 + 1
  const frames = pcm.length >= nFft ? 1 + Math.floor((pcm.length - nFft) / hop) : pcm.length > 0 ? 1 : 0
  const data = new Float32Array(frames * bins)
  const frame = new Float64Array(nFft)
  const power = new Float64Array(bins)
  for (let f = 0; f < frames; f++) {
    const start = f * hop
    for (let n = 0; n < nFft; n++) {
      const i = start + n
      frame[n] = i < pcm.length ? pcm[i]! * w[n]! : 0
    }
    fft.powerSpectrum(frame, power)
    for (let k = 0; k < bins; k++) data[f * bins + k] = Math.sqrt(power[k]!)
  }
  return { data, frames, bins, hop, nFft, sampleRate }
}
