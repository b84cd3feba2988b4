/**
 * The analysis after new frames: sections (given or detected) with their mood words, conflicts and
 * the summary. Both the live bridge and `emolane analyze` call `analyzeTimeline`.
 */
import type { EmotionModel } from '../engine/emotion-model.js'
import { detectConflicts } from './conflicts.js'
import { loudnessDb, measureCues } from './cues.js'
import { defaultPreset, type AnalysisPreset } from './presets.js'
import { detectSections } from './section-detection.js'
import { encodeSpanLyrics, withMoodWords, wordMoodsIn, type WordModel } from './section-words.js'
import { aggregateSections } from './sections.js'
import { summarize } from './summary.js'
import type { Conflict, Frame, LyricLine, MusicalCues, Section, SectionSpan, Seconds, Summary } from './types.js'

/** Everything analyzeTimeline reads. */
export type TimelineInput = {
  /** Frames so far, sorted by t. */
  frames: readonly Frame[]
  /** Sections from the DAW or a file; when empty they are detected from `audio`. */
  spans: readonly SectionSpan[]
  lyrics: readonly LyricLine[]
  /** Tempo from the DAW or a file, bpm; null: measured per section. */
  tempo: number | null
  /** Audio known so far, seconds. */
  duration: Seconds
  /** Mono PCM at `model.sampleRate` for [start, end), or null where that audio is not known. */
  audio: (start: Seconds, end: Seconds) => Float32Array | null
  /** The model (for word moods of a section's lyrics; encodings are cached). */
  model: Pick<EmotionModel, 'sampleRate'> & WordModel
  /** Conflict threshold and section length; default preset when absent. */
  preset?: AnalysisPreset
  /** Sections found from the audio, when the caller finds them itself (the live bridge, incrementally, off the main thread); else detectSections over `audio` */
  detect?: (minSectionSeconds: Seconds) => Promise<SectionSpan[]>
  /** Cues of a section's audio, when the caller measures them itself (cached, off the main thread); else measureCues over `audio` */
  cues?: (start: Seconds, end: Seconds, tempo: number | null) => Promise<MusicalCues | null>
  /** The whole song's loudness, dBFS, when the caller keeps it; else loudnessDb over `audio` */
  loudnessDb?: () => number | null
}

/** What analyzeTimeline returns. */
export type TimelineResult = {
  /** The spans used: the given ones, or the detected ones (source 'detected'). */
  spans: SectionSpan[]
  /** Sections with frames; each lyrics reading carries the words of its mood. */
  sections: Section[]
  conflicts: Conflict[]
  summary: Summary | null
}

/** Sections, conflicts and summary for the frames so far. */
export async function analyzeTimeline(input: TimelineInput): Promise<TimelineResult> {
  const preset = input.preset ?? defaultPreset
  const rate = input.model.sampleRate
  let spans = [...input.spans]
  // the whole song is read only when needed: live, with the DAW's sections and no conflict, never
  // (a copy of every sample and a pass over it on each run otherwise, growing with the song)
  let song: Float32Array | null | undefined
  const wholeSong = (): Float32Array | null => (song === undefined ? (song = input.duration > 0 ? input.audio(0, input.duration) : null) : song)
  if (spans.length === 0) {
    if (input.detect) {
      spans = await input.detect(preset.minSectionSeconds)
    } else {
      const pcm = wholeSong()
      if (pcm && pcm.length > 0) spans = detectSections(pcm, rate, { minSectionSeconds: preset.minSectionSeconds })
    }
  }
  let songLoudness: number | null | undefined
  const reference = {
    get loudnessDb(): number | null {
      if (songLoudness === undefined) {
        if (input.loudnessDb) {
          songLoudness = input.loudnessDb()
        } else {
          const pcm = wholeSong()
          songLoudness = pcm && pcm.length > 0 ? loudnessDb(pcm) : null
        }
      }
      return songLoudness
    },
  }
  const aggregated = aggregateSections(input.frames, spans)
  await encodeSpanLyrics(input.lyrics, aggregated.filter((s) => s.lyrics), input.model)
  const sections = await withMoodWords(aggregated, (s) => wordMoodsIn(input.lyrics, s.start, s.end, input.model))
  const cueCache = new Map<Section, MusicalCues | null>()
  const conflicts = await detectConflicts(sections, {
    threshold: preset.conflictThreshold,
    reference,
    // a conflict names the words its section carries (already chosen for the lyric label)
    words: async (s) => s.lyrics?.words ?? [],
    cues: (s) => {
      if (input.cues) return input.cues(s.start, Math.min(s.end, input.duration), input.tempo)
      if (!cueCache.has(s)) {
        const pcm = input.audio(s.start, Math.min(s.end, input.duration))
        cueCache.set(s, pcm && pcm.length > 0 ? measureCues(pcm, rate, { tempoBpm: input.tempo }) : null)
      }
      return cueCache.get(s)!
    },
  })
  return { spans, sections, conflicts, summary: summarize(input.frames) }
}
