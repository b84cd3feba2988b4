/**
 * Lyric files: LRC, SRT, WebVTT, MIDI lyric events, .kar, UltraStar and plain text, with the
 * text encoding detected or stated, the format taken from the extension or the content.
 * `loadLyrics(path)` is what `--lyrics FILE` uses; `openLyrics(path)` keeps the file to place its lines again.
 */
import { readFile } from 'node:fs/promises'
import type { LyricLine, Seconds, SectionSpan } from '../analysis/types.js'
import { decodeText } from './decode-text.js'
import { formatFromName, isMidiBytes, LYRIC_FORMATS, sniffTextFormat, type LyricFormat } from './detect-format.js'
import { checkLineTimes } from './check-times.js'
import { FileFormatError } from './file-format-error.js'
import { finishLinesAt, type RawLine } from './finish-lines.js'
import { parseLrc } from './lrc.js'
import { parseMidiLyrics } from './midi-lyrics.js'
import { parsePlainText } from './plain-text.js'
import { parseSrt, parseVtt } from './subtitles.js'
import { parseUltraStar } from './ultrastar.js'
import { fsReason } from '../io/fs-error.js'

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

/** A lyric file read once: its lines can be placed again as the known sections or the song change. */
export type LyricSource = {
  /** The format read (from the option, the extension or the content) */
  format: LyricFormat
  /** True for plain text: its lines have no times of their own and follow `place`'s sections or duration */
  untimed: boolean
  /** The lines, untimed ones placed over these sections (else this duration, else at a nominal pace); no line ends after `duration` */
  place(at?: Pick<LyricsOptions, 'sections' | 'duration'>): LyricLine[]
}

/** The warning for a lyric file that gave no lines (an empty file, say), or null when it gave some: the analysis goes on with the music alone. */
export function noLyricsWarning(path: string, lines: readonly LyricLine[]): string | null {
  return lines.length === 0 ? `lyrics file ${path} has no lines (is it empty?): analysing the music alone` : null
}

/** Reads a lyric file; format from `format`, else the extension, else the content. */
export async function loadLyrics(path: string, opts: LyricsOptions & { format?: LyricFormat } = {}): Promise<LyricLine[]> {
  return parseLyrics(await readLyricFile(path), opts.format ?? formatFromName(path) ?? undefined, { ...opts, file: opts.file ?? path })
}

/**
 * Reads a lyric file once and checks it (a malformed file throws here, as loadLyrics does), keeping
 * its text so that untimed lines can be placed again, e.g. as the live bridge learns the sections.
 */
export async function openLyrics(path: string, opts: LyricsOptions & { format?: LyricFormat } = {}): Promise<LyricSource> {
  const base = { ...opts, file: opts.file ?? path }
  const decoded = decodeLyrics(await readLyricFile(path), opts.format ?? formatFromName(path) ?? undefined, base)
  placeLyrics(decoded, base)
  return {
    format: decoded.format,
    untimed: decoded.format === 'text',
    place: (at = {}) => placeLyrics(decoded, { ...base, sections: at.sections, duration: at.duration }),
  }
}

/** Parses lyric text or bytes in the given (or detected) format into sorted, timed lines. */
export function parseLyrics(input: string | Uint8Array, format?: LyricFormat, opts: LyricsOptions = {}): LyricLine[] {
  return placeLyrics(decodeLyrics(input, format, opts), opts)
}

async function readLyricFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path))
  } catch (cause) {
    throw new Error(`cannot read lyrics file ${path}: ${fsReason(cause)}`, { cause })
  }
}

/** A lyric file decoded: MIDI stays bytes, every other format is text. */
type Decoded = { format: 'midi' | 'kar'; bytes: Uint8Array } | { format: Exclude<LyricFormat, 'midi' | 'kar'>; text: string }

function decodeLyrics(input: string | Uint8Array, format: LyricFormat | undefined, opts: LyricsOptions): Decoded {
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
    return { format: format === 'kar' ? 'kar' : 'midi', bytes }
  }
  const text = typeof input === 'string' ? input.replace(/^\uFEFF/, '') : decodeText(input, { encoding: opts.encoding, file }).text
  const fmt = format ?? sniffTextFormat(text)
  if (fmt === 'midi' || fmt === 'kar') throw new RangeError(`format ${fmt} is binary; pass its bytes, not text`)
  return { format: fmt, text }
}

function placeLyrics(decoded: Decoded, opts: LyricsOptions): LyricLine[] {
  const file = opts.file ?? '<input>'
  const raw = 'bytes' in decoded ? parseMidiLyrics(decoded.bytes, { file, encoding: opts.encoding, kar: decoded.format === 'kar' }) : parseText(decoded.text, decoded.format, file, opts)
  const { lines, at } = finishLinesAt(raw, opts)
  return checkLineTimes(lines, file, at)
}

function parseText(text: string, format: Exclude<LyricFormat, 'midi' | 'kar'>, file: string, opts: LyricsOptions): RawLine[] {
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
  }
}
