/** Lyric-versus-music conflicts per section, with an explanation a musician understands. */
import type { Conflict, MoodWord, MusicalCues, Probability, Section } from './types.js'

/** What conflict detection needs besides the sections. */
export type ConflictEvidence = {
  /** Word moods of a section's own lyrics (from the text encoder's token_va). */
  words: (section: Section) => Promise<readonly MoodWord[]>
  /** Audible cues of a section; null where its audio is unknown. */
  cues: (section: Section) => MusicalCues | null
  /** Score at or above which a section is a conflict. */
  threshold: Probability
}

/** Probability mass the lyrics and audio heads put on opposite polarities: P_l(neg) P_a(pos) + P_l(pos) P_a(neg), scaled to 0..1. */
export function conflictScore(section: Section): Probability {
  void section
  throw new Error('conflictScore: not implemented yet')
}

/** Conflicts for the sections whose score reaches the threshold. */
export async function detectConflicts(sections: readonly Section[], evidence: ConflictEvidence): Promise<Conflict[]> {
  void sections, evidence
  throw new Error('detectConflicts: not implemented yet')
}
