/** Sections with their readings: means over the frames whose centre falls inside each span. */
import { meanReading } from './readings.js'
import type { Frame, Reading, Section, SectionSpan } from './types.js'

/**
 * Aggregates frames into each span; a span with no frame inside is left out. Spans sorted by start.
 * Lyrics readings come with no mood words: withMoodWords (section-words.ts) finds them.
 */
export function aggregateSections(frames: readonly Frame[], spans: readonly SectionSpan[]): Section[] {
  const out: Section[] = []
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    const inside = frames.filter((f) => f.t >= span.start && f.t < span.end)
    const fused = meanReading(inside)
    if (!fused) continue
    const lyrics = meanReading(inside.map((f) => f.lyrics).filter((r): r is Reading => r !== null))
    out.push({ ...span, ...fused, audio: meanReading(inside.map((f) => f.audio))!, lyrics: lyrics && { ...lyrics, words: [] }, frames: inside.length })
  }
  return out
}
