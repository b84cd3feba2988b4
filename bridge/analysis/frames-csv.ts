/** `emolane analyze --format csv`: one row per frame, raw and smoothed curves, with the section it falls in. */
import { sectionAt } from './lyric-context.js'
import { smoothFrames } from './smoothing.js'
import type { Analysis, Reading, Seconds } from './types.js'

/** The CSV header row. */
export const FRAME_CSV_HEADER = [
  't', 'start', 'end', 'section',
  'valence', 'arousal', 'label', 'confidence', 'p_negative', 'p_neutral', 'p_positive',
  'audio_valence', 'audio_arousal', 'audio_label', 'audio_confidence',
  'lyrics_valence', 'lyrics_arousal', 'lyrics_label', 'lyrics_confidence',
  'smoothed_valence', 'smoothed_arousal',
] as const

const num = (x: number): string => String(Math.round(x * 1e4) / 1e4)
const field = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
const head = (r: Reading | null): string[] => (r ? [num(r.valence), num(r.arousal), r.label, num(r.confidence)] : ['', '', '', ''])

/** Frames as CSV text (RFC 4180, CRLF), curves smoothed over `smoothing` seconds in the smoothed_* columns. */
export function framesToCsv(analysis: Analysis, smoothing: Seconds): string {
  const smooth = smoothFrames(analysis.frames, smoothing)
  const rows = [FRAME_CSV_HEADER.join(',')]
  analysis.frames.forEach((f, i) => {
    rows.push([
      num(f.t), num(f.start), num(f.end), field(sectionAt(analysis.sections, f.t)?.name ?? ''),
      ...head(f), ...f.polarity.map(num),
      ...head(f.audio), ...head(f.lyrics),
      num(smooth[i]!.valence), num(smooth[i]!.arousal),
    ].join(','))
  })
  return rows.join('\r\n') + '\r\n'
}
