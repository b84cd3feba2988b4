/**
 * The analysed timeline: what the bridge computes, persists, streams on /ws and writes with
 * `emolane analyze`. Every other part (panel, exports, benchmarks) reads these shapes.
 * Times are song time in seconds, measured from the DAW's zero.
 */

/** Song time in seconds. */
export type Seconds = number
/** Pleasantness, -1 (unpleasant) .. 1 (pleasant). */
export type Valence = number
/** Energy, -1 (calm) .. 1 (excited). */
export type Arousal = number
/** A probability in [0, 1]. */
export type Probability = number

/** Polarity classes in the model's output order. */
export const POLARITY_LABELS = ['negative', 'neutral', 'positive'] as const
export type PolarityLabel = (typeof POLARITY_LABELS)[number]

/** Probabilities over POLARITY_LABELS, in that order; they sum to 1. */
export type PolarityProbs = [negative: Probability, neutral: Probability, positive: Probability]

/** One head's reading of a window (or an aggregate of windows). */
export type Reading = {
  valence: Valence
  arousal: Arousal
  polarity: PolarityProbs
  /** The most probable class of `polarity`. */
  label: PolarityLabel
  /** How sure the head is, 0..1: 1 - normalised entropy of `polarity`. */
  confidence: Probability
}

/** The model's output for one analysis window, placed at the window's centre. */
export type Frame = Reading & {
  /** Window centre: where this reading applies on the timeline. */
  t: Seconds
  /** Window start and end. */
  start: Seconds
  end: Seconds
  /** Audio-only head (hears the music, ignores the words). */
  audio: Reading
  /** Lyrics-only head; null where no lyric was sung in or around the window. */
  lyrics: Reading | null
}

/** A timed lyric line; `words` where the source gives word times (LRC word tags, UltraStar, .kar). */
export type LyricLine = {
  start: Seconds
  end: Seconds
  text: string
  words?: { start: Seconds; end: Seconds; text: string }[]
}

/** Where a section boundary came from. */
export type SectionSource = 'daw' | 'file' | 'detected'

/** A song section given by the DAW or a file (or found from the audio), before analysis. */
export type SectionSpan = { start: Seconds; end: Seconds; name: string; source: SectionSource }

/** A section's lyrics-only reading, with the words that carry that mood. */
export type SectionLyrics = Reading & {
  /** The words carrying the lyric mood (valence in the direction of `label`), strongest first, at most 5. */
  words: MoodWord[]
}

/** A section with its aggregated readings (means over the frames whose centre falls inside). */
export type Section = SectionSpan & Reading & {
  audio: Reading
  /** Lyrics-only head; null where no frame inside has a lyrics reading. */
  lyrics: SectionLyrics | null
  /** Number of frames aggregated. */
  frames: number
}

/** Audible cues measured in TypeScript from the section's audio, in units a musician reads. */
export type MusicalCues = {
  /** Estimated tempo, beats per minute (the DAW's tempo where known). */
  tempoBpm: number | null
  /** Major or minor, from a chroma key profile; null where no key is clear. */
  mode: 'major' | 'minor' | null
  /** Estimated key, e.g. 'A minor'; null where unclear. */
  key: string | null
  /** Loudness, dBFS RMS. */
  loudnessDb: number
  /** Spectral centroid in Hz: higher reads brighter. */
  brightnessHz: number
}

/** A word that carries the lyric mood, with its word-level valence and arousal. */
export type MoodWord = { word: string; valence: Valence; arousal: Arousal; t?: Seconds }

/** Lyrics and music disagree in a section. */
export type Conflict = {
  section: string
  start: Seconds
  end: Seconds
  /** 0..1, how strongly they disagree (probability mass the two heads put on opposite polarities). */
  score: Probability
  lyrics: { label: PolarityLabel; valence: Valence; words: MoodWord[] }
  music: { label: PolarityLabel; valence: Valence; arousal: Arousal; cues: MusicalCues }
  /** One or two sentences a musician understands. */
  explanation: string
}

/** Whole-song summary: means over all frames. */
export type Summary = Reading & { audio: Reading; lyrics: Reading | null }

/** A tempo change: from song time `time` on, `bpm` quarter notes per minute. */
export type TempoPoint = { time: Seconds; bpm: number }

/** Which model and execution provider produced an analysis. */
export type ModelInfo = { name: string; version: string; preset: string; device: string }

/** The document `emolane analyze` writes and the bridge persists per project. */
export type Analysis = {
  /** Schema version of this document. */
  schema: 'emolane.analysis/1'
  /** Audio source (file path or 'live'). */
  source: string
  model: ModelInfo
  /** Analysis window length and hop. */
  window: Seconds
  hop: Seconds
  /** Audio duration analysed. */
  duration: Seconds
  /** Tempo from the DAW or the file, bpm; null where unknown. */
  tempo: number | null
  /** The DAW's tempo changes in time order (the first also holds before its time); absent where only `tempo` is known. Exports in beats and MIDI follow it. */
  tempoMap?: TempoPoint[]
  frames: Frame[]
  /** The fused valence/arousal curve smoothed with the preset's smoothing (frames stay raw). */
  curve?: Curve
  sections: Section[]
  conflicts: Conflict[]
  lyrics: LyricLine[]
  summary: Summary
  createdAt: string
}

/** A smoothed emotion curve: Gaussian-weighted means of nearby frames (sigma = smoothingSeconds / 2). */
export type Curve = {
  smoothingSeconds: Seconds
  /** One point per frame, at the frame's t; label: the smoothed polarity's most likely class. */
  points: { t: Seconds; valence: Valence; arousal: Arousal; label: PolarityLabel }[]
}
