/** Audible cues a musician reads (tempo, key and mode, loudness, brightness), measured from PCM. */
import { chroma, estimateKey } from './key-detection.js'
import { magnitudes } from './spectrogram.js'
import { estimateTempo } from './tempo.js'
import type { MusicalCues } from './types.js'

export type CueOptions = {
  /** Tempo from the DAW or a file, bpm; measured from the audio when null. Default null. */
  tempoBpm?: number | null
  /** Key-profile correlation below which no key is reported; default 0.5 */
  minKeyStrength?: number
}

const defaults = { tempoBpm: null as number | null, minKeyStrength: 0.5 }

/** Loudness of PCM as RMS in dBFS (a full-scale sine reads -3); -120 for silence. */
export function loudnessDb(pcm: Float32Array): number {
  let s = 0
  for (let i = 0; i < pcm.length; i++) s += pcm[i]! * pcm[i]!
  const rms = Math.sqrt(s / Math.max(1, pcm.length))
  return rms > 1e-6 ? 20 * Math.log10(rms) : -120
}

/** Measures the cues of mono PCM at `sampleRate`. */
export function measureCues(pcm: Float32Array, sampleRate: number, options: CueOptions = {}): MusicalCues {
  const o = { ...defaults, ...options }
  if (pcm.length === 0) throw new RangeError('cannot measure cues of empty audio')
  const nFft = sampleRate >= 32_000 ? 8192 : 4096
  const spec = magnitudes(pcm, sampleRate, nFft, nFft / 2)
  // brightness: centroid of the mean magnitude spectrum (silence reads 0 Hz)
  let num = 0
  let den = 0
  for (let f = 0; f < spec.frames; f++) {
    for (let k = 1; k < spec.bins; k++) {
      const m = spec.data[f * spec.bins + k]!
      num += m * ((k * sampleRate) / nFft)
      den += m
    }
  }
  const key = estimateKey(chroma(spec))
  const clear = key !== null && key.strength >= o.minKeyStrength
  return {
    tempoBpm: o.tempoBpm ?? estimateTempo(pcm, sampleRate),
    mode: clear ? key.mode : null,
    key: clear ? key.key : null,
    loudnessDb: Math.round(loudnessDb(pcm) * 10) / 10,
    brightnessHz: den > 0 ? Math.round(num / den) : 0,
  }
}
