/**
 * The bridge's public protocol: what arrives (ingest), what the bridge emits in-process (events),
 * and what it sends on the WebSocket feed at /ws (JSON messages). Panel, exports, DAW dialects
 * and tests code against these shapes.
 */
import type { AnalysisPreset } from '../analysis/presets.js'
import type { Analysis, Conflict, Frame, LyricLine, ModelInfo, Section, SectionSpan, Seconds, Summary } from '../analysis/types.js'

/** A block of PCM arriving from the DAW, before resampling. */
export type AudioBlock = {
  /** Interleaved float32 samples, channels * frames long. */
  samples: Float32Array
  channels: number
  sampleRate: number
  /** Song time of the first sample. */
  time: Seconds
}

/** Transport state as the bridge believes it. */
export type TransportState = {
  playing: boolean
  /** Song time of the play head when this state was taken. */
  time: Seconds
  /** Beats per minute; null until the DAW or a file says. */
  tempo: number | null
}

/** Everything a source (OSC, WebSocket, DAW dialect, audio input, file stream) can tell the bridge. */
export interface BridgeInput {
  audio(block: AudioBlock): void
  lyricLine(line: LyricLine): void
  clearLyrics(): void
  section(span: SectionSpan): void
  play(): void
  stop(): void
  seek(time: Seconds): void
  tempo(bpm: number): void
}

/** Status of the bridge and its inference, as shown by the panel. */
export type BridgeStatus = {
  model: ModelInfo & {
    trained: boolean
    /** The device asked for (--device), e.g. 'cuda' or 'auto'. */
    requested?: string
    /** Why the asked-for provider is not the one running (it failed to load and the CPU took over); null when it is. */
    fallback?: string | null
    /** Why this provider runs the model, e.g. 'auto: no NVIDIA or Vulkan driver here'. */
    reason?: string
  }
  /** Clients connected to the feed. */
  clients: number
  transport: TransportState
  /** Windows waiting for inference. */
  pending: number
  /** Windows skipped because newer audio superseded them while inference was behind. */
  coalesced: number
  /** True while inference keeps up with arriving audio. */
  keepingUp: boolean
  /** Median per-hop latency from audio arrival to frame, ms, over the last minute. */
  latencyMs: number | null
  /** Seconds of music a reading waits for after its centre before the model runs: half a window, plus the audio encoder's context (manifest `encoder_context`). */
  lookahead?: number
  /** Project whose timeline is loaded and persisted. */
  project: string
  /** The analysis preset in use (hop, smoothing for curves, conflict threshold, section length, audio path); switch with POST /api/preset. */
  preset?: AnalysisPreset
}

/** A bad input or internal fault, reported on the feed and in the log; the bridge keeps running. */
export type BridgeErrorInfo = {
  /** Stable machine-readable code, e.g. 'osc-malformed', 'audio-nan', 'lyrics-too-long'. */
  code: string
  /** What was expected and what arrived. */
  message: string
  /** Where it came from: 'osc-udp', 'osc-ws', 'ws-audio', 'model', 'persist', ... */
  source: string
  time: string
}

/** In-process events of the bridge facade (labelled tuples; `on()` returns an unsubscribe). */
export type BridgeEvents = {
  frames: [frames: Frame[]]
  /** Frames in [start, end) were dropped because newer audio replaced that span. */
  invalidate: [start: Seconds, end: Seconds]
  sections: [sections: Section[]]
  /** The known sections (DAW or section file, not detected) after a change: one added or replaced, or all cleared. */
  spans: [spans: SectionSpan[]]
  conflicts: [conflicts: Conflict[]]
  lyrics: [lines: LyricLine[]]
  transport: [state: TransportState]
  status: [status: BridgeStatus]
  error: [error: BridgeErrorInfo]
}

/** Messages on the /ws feed, server to client. A new client first gets `snapshot`. */
export type FeedMessage =
  | { type: 'snapshot'; analysis: Analysis; status: BridgeStatus }
  | { type: 'frames'; frames: Frame[] }
  | { type: 'invalidate'; start: Seconds; end: Seconds }
  | { type: 'sections'; sections: Section[]; summary: Summary | null }
  | { type: 'conflicts'; conflicts: Conflict[] }
  | { type: 'lyrics'; lines: LyricLine[] }
  /** Lines added or replaced since the last lyric message; each replaces the line with the same start (within 1 ms). */
  | { type: 'lyric-lines'; lines: LyricLine[] }
  | { type: 'transport'; state: TransportState }
  | { type: 'status'; status: BridgeStatus }
  | { type: 'error'; error: BridgeErrorInfo }
