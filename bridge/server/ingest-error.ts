/** A rejected input: reported on the feed as `{ type: 'error', error: { code, message, ... } }`. */

/** Stable machine-readable codes for rejected input and faults (documented in docs/protocol.md). */
export type IngestErrorCode =
  | 'osc-malformed'
  | 'osc-invalid-utf8'
  | 'osc-unknown-address'
  | 'osc-bad-args'
  | 'ws-audio-malformed'
  | 'ws-text-frame'
  | 'message-too-large'
  | 'rate-limited'
  | 'ingest-overflow'
  | 'unauthorized'
  | 'too-many-clients'
  | 'audio-bad-channels'
  | 'audio-bad-rate'
  | 'audio-bad-size'
  | 'audio-nan'
  | 'audio-bad-time'
  | 'audio-too-long'
  | 'audio-overlap'
  | 'audio-out-of-order'
  | 'lyrics-bad-time'
  | 'lyrics-too-long'
  | 'lyrics-bad-text'
  | 'lyrics-too-many'
  | 'section-bad'
  | 'section-too-many'
  | 'tempo-bad'
  | 'tempo-too-many'
  | 'seek-bad'
  | 'project-bad'
  | 'model'
  | 'persist'
  | 'analysis'
  | 'client-lagging'
  | 'ingest-client-vanished'
  | 'ingest-client-unresponsive'

/** Input the bridge refuses; carries the feed's error code. */
export class IngestError extends Error {
  override name = 'IngestError'
  constructor(
    readonly code: IngestErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
