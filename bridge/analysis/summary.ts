/** The whole-song summary: means over all frames. */
import { meanReading } from './readings.js'
import type { Frame, Reading, Summary } from './types.js'

/** Means of the fused, audio and lyrics readings over frames; null when there are none. */
export function summarize(frames: readonly Frame[]): Summary | null {
  const fused = meanReading(frames)
  if (!fused) return null
  const lyrics = meanReading(frames.map((f) => f.lyrics).filter((r): r is Reading => r !== null))
  return { ...fused, audio: meanReading(frames.map((f) => f.audio))!, lyrics }
}
