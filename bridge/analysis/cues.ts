/** Audible cues a musician reads (tempo, key and mode, loudness, brightness), measured from PCM. */
import type { MusicalCues } from './types.js'

export type CueOptions = {
  /** Tempo from the DAW or a file, bpm; measured from the audio when null. Default null. */
  tempoBpm?: number | null
}

/** Measures the cues of mono PCM at `sampleRate`. */
export function measureCues(pcm: Float32Array, sampleRate: number, options: CueOptions = {}): MusicalCues {
  void pcm, sampleRate, options
  throw new Error('measureCues: not implemented yet')
}
