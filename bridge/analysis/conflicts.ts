/** Lyric-versus-music conflicts per section, with an explanation a musician understands. */
import { explainConflict, moodCarriers, type CueReference } from './explain-conflict.js'
import type { Conflict, MoodWord, MusicalCues, PolarityProbs, Probability, Section } from './types.js'

/** What conflict detection needs besides the sections. */
export type ConflictEvidence = {
  /** Word moods of a section's own lyrics (from the text encoder's token_va), with times where known. */
  words: (section: Section) => Promise<readonly MoodWord[]>
  /** Audible cues of a section; null where its audio is unknown. */
  cues: (section: Section) => MusicalCues | null | Promise<MusicalCues | null>
  /** Score at or above which a section is a conflict. */
  threshold: Probability
  /** Song-wide levels for relative cue phrases ('louder than the rest of the song'). */
  reference?: CueReference
}

/**
 * How strongly two polarity readings disagree, 0..1: the probability mass they put on opposite
 * polarities (negative vs positive) minus the mass they put on the same one, floored at 0, so two
 * unsure heads do not read as a conflict.
 */
export function disagreement(a: PolarityProbs, b: PolarityProbs): Probability {
  const opposite = a[0] * b[2] + a[2] * b[0]
  const same = a[0] * b[0] + a[2] * b[2]
  return Math.max(0, Math.min(1, opposite - same))
}

/** A section's conflict score (0 when it has no lyrics reading). */
export function conflictScore(section: Section): Probability {
  return section.lyrics ? disagreement(section.lyrics.polarity, section.audio.polarity) : 0
}

/** Conflicts for sections whose lyrics and music take opposite polarities with a score at or above the threshold. */
export async function detectConflicts(sections: readonly Section[], evidence: ConflictEvidence): Promise<Conflict[]> {
  const out: Conflict[] = []
  for (const s of sections) {
    const lyrics = s.lyrics
    if (!lyrics) continue
    const score = conflictScore(s)
    const opposite = (lyrics.label === 'positive' && s.audio.label === 'negative') || (lyrics.label === 'negative' && s.audio.label === 'positive')
    if (score < evidence.threshold || !opposite) continue
    const words = moodCarriers(await evidence.words(s), lyrics.label)
    const cues = await evidence.cues(s)
    const explanation = explainConflict({
      section: s.name,
      lyrics: { label: lyrics.label, valence: lyrics.valence, arousal: lyrics.arousal, words },
      music: { label: s.audio.label, valence: s.audio.valence, arousal: s.audio.arousal, cues },
      reference: evidence.reference,
    })
    out.push({
      section: s.name,
      start: s.start,
      end: s.end,
      score: Math.round(score * 1000) / 1000,
      lyrics: { label: lyrics.label, valence: lyrics.valence, words },
      music: { label: s.audio.label, valence: s.audio.valence, arousal: s.audio.arousal, cues: cues ?? emptyCues },
      explanation,
    })
  }
  return out
}

const emptyCues: MusicalCues = { tempoBpm: null, mode: null, key: null, loudnessDb: -120, brightnessHz: 0 }
