/** A lyric, section or MIDI file that cannot be read, with the file and the line (or byte) at fault. */
export class FileFormatError extends Error {
  override name = 'FileFormatError'
  /** File name as given by the caller ('<input>' when parsing a string). */
  readonly file: string
  /** 1-based line number, for text formats. */
  readonly line: number | undefined
  /** 0-based byte offset, for binary formats. */
  readonly byte: number | undefined

  constructor(file: string, where: { line?: number; byte?: number }, detail: string, options?: { cause?: unknown }) {
    const at = where.line !== undefined ? ` line ${where.line}` : where.byte !== undefined ? ` byte ${where.byte}` : ''
    super(`${file}${at ? ':' + at : ''}: ${detail}`, options)
    this.file = file
    this.line = where.line
    this.byte = where.byte
  }
}

/** Where in its file a lyric line or section was read: the 1-based line (text formats), or the 1-based MIDI track and the tick. */
export type FilePlace = { line: number } | { track: number; tick: number }
