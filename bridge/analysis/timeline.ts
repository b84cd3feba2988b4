/**
 * The analysis after new frames: sections (given or detected), conflicts and the summary. Both the
 * live bridge and `emolane analyze` call `analyzeTimeline`.
 */
import type { EmotionModel } from '../engine/emotion-model.js'
import { detectConflicts } from './conflicts.js'
import { measureCues } from './cues.js'
import { linesIn } from './lyric-context.js'
import { defaultPreset, type AnalysisPreset } from './presets.js'
import { detectSections } from './section-detection.js'
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
  model: Pick<EmotionModel, 'encodeLyrics' | 'sampleRate'>
  /** Conflict threshold and section length; default preset when absent. */
  preset?: AnalysisPreset
}

/** What analyzeTimeline returns. */
export type TimelineResult = {
  /** The spans used: the given ones, or the detected ones (source 'detected'). */
  spans: SectionSpan[]
  sections: Section[]
  conflicts: Conflict[]
  summary: Summary | null
}

/** Sections, conflicts and summary for the frames so far. */
export async function analyzeTimeline(input: TimelineInput): Promise<TimelineResult> {
  const preset = input.preset ?? defaultPreset
  const rate = input.model.sampleRate
  let spans = [...input.spans]
  if (spans.length === 0 && input.duration > 0) {
    const pcm = input.audio(0, input.duration)
    spans = pcm ? detectSections(pcm, rate, { minSectionSeconds: preset.minSectionSeconds }) : []
  }
  const sections = aggregateSections(input.frames, spans)
  const cueCache = new Map<Section, MusicalCues | null>()
  const conflicts = await detectConflicts(sections, {
    threshold: preset.conflictThreshold,
    words: async (s) => {
      const text = linesIn(input.lyrics, s.start, s.end).map((l) => l.text.trim()).filter(Boolean).join('\n')
      return text ? (await input.model.encodeLyrics(text)).words : []
    },
    cues: (s) => {
      if (!cueCache.has(s)) {
        const pcm = input.audio(s.start, Math.min(s.end, input.duration))
        cueCache.set(s, pcm && pcm.length > 0 ? measureCues(pcm, rate, { tempoBpm: input.tempo }) : null)
      }
      return cueCache.get(s)!
    },
  })
  return { spans, sections, conflicts, summary: summarize(input.frames) }
}
