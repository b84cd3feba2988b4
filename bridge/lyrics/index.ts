/**
 * Lyric files: LRC, SRT, WebVTT, MIDI lyric events, .kar, UltraStar and plain text, with the
 * text encoding detected or stated, the format taken from the extension or the content.
 * `loadLyrics(path)` is what `--lyrics FILE` uses.
 */
import { readFile } from 'node:fs/promises'
import type { LyricLine, Seconds, SectionSpan } from '../analysis/types.js'
import { decodeText } from './decode-text.js'
import { formatFromName, isMidiBytes, LYRIC_FORMATS, sniffTextFormat, type LyricFormat } from './detect-format.js'
import { checkLineTimes } from './check-times.js'
import { FileFormatError } from './file-format-error.js'
import { finishLines, type RawLine } from './finish-lines.js'
import { parseLrc } from './lrc.js'
import { parseMidiLyrics } from './midi-lyrics.js'
import { parsePlainText } from './plain-text.js'
import { parseSrt, parseVtt } from './subtitles.js'
import { parseUltraStar } from './ultrastar.js'

export { FileFormatError } from './file-format-error.js'
export { decodeText, detectEncoding } from './decode-text.js'
export { LYRIC_FORMATS, type LyricFormat } from './detect-format.js'
export { parseClock } from './clock-time.js'

export type LyricsOptions = {
  /** Text encoding label ('utf-8', 'utf-16le', 'windows-1252', ...); detected when absent */
  encoding?: string
  /** Song duration: the last line ends by then; untimed text spreads over it when no sections are known */
  duration?: Seconds
  /** Sections to spread untimed (plain text) stanzas over, in order */
  sections?: SectionSpan[]
  /** File name used in error messages and for picking the format by extension */
  file?: string
  /** Largest file accepted, bytes, default 4 MiB */
  maxBytes?: number
}

const defaults = { maxBytes: 4 * 1024 * 1024 }

/** Reads a lyric file; format from `format`, else the extension, else the content. */
export async function loadLyrics(path: string, opts: LyricsOptions & { format?: LyricFormat } = {}): Promise<LyricLine[]> {
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(await readFile(path))
  } catch (cause) {
    throw new Error(`cannot read lyrics file ${path}: ${(cause as Error).message}`, { cause })
  }
  return parseLyrics(bytes, opts.format ?? formatFromName(path) ?? undefined, { ...opts, file: opts.file ?? path })
}

/** Parses lyric text or bytes in the given (or detected) format into sorted, timed lines. */
export function parseLyrics(input: string | Uint8Array, format?: LyricFormat, opts: LyricsOptions = {}): LyricLine[] {
  const file = opts.file ?? '<input>'
  const maxBytes = opts.maxBytes ?? defaults.maxBytes
  const size = typeof input === 'string' ? input.length : input.byteLength
  if (size > maxBytes) throw new FileFormatError(file, {}, `lyrics must be at most ${maxBytes} bytes, got ${size}`)
  if (format !== undefined && !LYRIC_FORMATS.includes(format)) {
    throw new RangeError(`lyrics format must be one of ${LYRIC_FORMATS.join(', ')}, got ${JSON.stringify(format)}`)
  }
  const bytes = typeof input === 'string' ? null : input
  if (format === 'midi' || format === 'kar' || (format === undefined && bytes && isMidiBytes(bytes))) {
    if (!bytes) throw new TypeError(`MIDI lyrics must be given as bytes, got a string (${file})`)
    return checkLineTimes(finishLines(parseMidiLyrics(bytes, { file, encoding: opts.encoding, kar: format === 'kar' }), opts), file)
  }
  const text = typeof input === 'string' ? input.replace(/^\uFEFF/, '') : decodeText(input, { encoding: opts.encoding, file }).text
  const fmt = format ?? sniffTextFormat(text)
  return checkLineTimes(finishLines(parseText(text, fmt, file, opts), opts), file)
}

function parseText(text: string, format: LyricFormat, file: string, opts: LyricsOptions): RawLine[] {
  switch (format) {
    case 'lrc':
      return parseLrc(text, file)
    case 'srt':
      return parseSrt(text, file)
    case 'vtt':
      return parseVtt(text, file)
    case 'ultrastar':
      return parseUltraStar(text, file)
    case 'text':
      return parsePlainText(text, { sections: opts.sections, duration: opts.duration })
    default:
      throw new RangeError(`format ${format} is binary; pass its bytes, not text`)
  }
}
