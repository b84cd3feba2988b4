/**
 * The checked entry into the live timeline for one source: every call validates its values and
 * throws an IngestError when it refuses them. Transports catch and report; the Bridge facade's own
 * BridgeInput methods report instead of throwing.
 */
import type { LiveTimeline } from '../stream/live-timeline.js'
import { checkAudioBlock, checkLyricLine, checkProjectName, checkSection, checkSongTime, checkTempo, type IngestLimits } from './ingest-validate.js'
import type { IngestSink } from './osc-router.js'

/** Bridge-level actions the sink cannot do alone. */
export type SinkHooks = {
  /** Switches project (validated name). */
  project: (name: string) => void
}

/** An IngestSink over a live timeline. */
export function createIngestSink(timeline: () => LiveTimeline, limits: IngestLimits, hooks: SinkHooks): IngestSink {
  const now = (): number => performance.now()
  return {
    audio(block) {
      timeline().addAudio(checkAudioBlock(block, limits), now())
    },
    lyricLine(line) {
      timeline().addLyric(checkLyricLine(line, limits), now())
    },
    clearLyrics() {
      timeline().clearLyrics(now())
    },
    section(span) {
      timeline().addSpan(checkSection(span, limits), now())
    },
    clearSections() {
      timeline().clearSpans(now())
    },
    play() {
      timeline().play(now())
    },
    stop() {
      timeline().stop(now())
    },
    seek(time) {
      timeline().seek(checkSongTime(time, 'seek time', limits, 'seek-bad'), now())
    },
    tempo(bpm) {
      timeline().setTempo(checkTempo(bpm))
    },
    project(name) {
      hooks.project(checkProjectName(name))
    },
  }
}
