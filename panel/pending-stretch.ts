/** What the timeline has not analysed yet, and when a song has ended: pure, so tests can pin them down. */
import type { Seconds } from '../bridge/analysis/types.js'
import { lowerBound, type TransportSample } from './timeline-state.js'

/**
 * The stretch between the newest reading at or before the play head and the play head itself, when it
 * is longer than one and a half hops (a reading is due there but not analysed yet); null otherwise.
 */
export function pendingStretch(frames: readonly { t: Seconds }[], playhead: Seconds, hop: Seconds): { start: Seconds; end: Seconds } | null {
  const i = lowerBound(frames, playhead + 1e-6) - 1
  const start = i >= 0 ? frames[i]!.t : 0
  return playhead - start > 1.5 * hop ? { start, end: playhead } : null
}

/**
 * The song has ended when the transport is stopped past its start and within a window of the end of
 * the known song (its last readings end half a window after the last audio; the last ones may still be
 * on their way).
 */
export function songEnded(transport: TransportSample, playhead: Seconds, extent: Seconds, window: Seconds): boolean {
  return !transport.playing && playhead > 0 && extent > 0 && playhead >= extent - window
}
