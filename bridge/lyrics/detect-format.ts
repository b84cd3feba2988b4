/** Which lyric format a file is in: by extension first, then by sniffing its content. */

/** Lyric formats `--lyrics` accepts. */
export const LYRIC_FORMATS = ['lrc', 'srt', 'vtt', 'midi', 'kar', 'ultrastar', 'text'] as const
export type LyricFormat = (typeof LYRIC_FORMATS)[number]

const BY_EXTENSION: Record<string, LyricFormat> = {
  lrc: 'lrc',
  elrc: 'lrc',
  srt: 'srt',
  vtt: 'vtt',
  webvtt: 'vtt',
  mid: 'midi',
  midi: 'midi',
  smf: 'midi',
  rmi: 'midi',
  kar: 'kar',
}

/** Format from a file name; null when the extension says nothing (.txt is plain text or UltraStar). */
export function formatFromName(name: string): LyricFormat | null {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase()
  return ext ? (BY_EXTENSION[ext] ?? null) : null
}

/** True for bytes of a Standard MIDI File (or its RIFF RMID wrapper). */
export function isMidiBytes(bytes: Uint8Array): boolean {
  const tag = (o: number) => String.fromCharCode(...bytes.subarray(o, o + 4))
  return tag(0) === 'MThd' || (tag(0) === 'RIFF' && tag(8) === 'RMID')
}

/** Guesses a text format from its first meaningful lines. */
export function sniffTextFormat(text: string): LyricFormat {
  const head = text.replace(/^\uFEFF/, '').slice(0, 8192)
  if (/^WEBVTT(?:[ \t]|\r?\n|$)/.test(head)) return 'vtt'
  const rows = head.split(/\r\n|\r|\n/).map((r) => r.trim()).filter(Boolean)
  if (rows.some((r) => /^\d+(:\d+){1,2}[,.]\d+\s+-->\s+\d+(:\d+){1,2}[,.]\d+/.test(r))) return 'srt'
  const hashHeaders = rows.filter((r) => /^#[A-Z]+:/.test(r)).map((r) => r.slice(1, r.indexOf(':')))
  if (hashHeaders.includes('BPM') && rows.some((r) => /^[:*FRG] *-?\d+ +\d+ +-?\d+/.test(r))) return 'ultrastar'
  const timed = rows.filter((r) => /^\[\d+:\d+([.:]\d+)?\]/.test(r)).length
  if (timed > 0 && timed >= rows.filter((r) => !/^\[[A-Za-z#]+:/.test(r)).length / 2) return 'lrc'
  return 'text'
}
