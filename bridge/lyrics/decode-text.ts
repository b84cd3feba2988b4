/**
 * Turns the bytes of a lyric or section file into text: a BOM wins (UTF-8, UTF-16LE/BE), then
 * BOM-less UTF-16 (every other byte zero), then valid UTF-8, else Windows-1252 (a superset of
 * Latin-1 for printable text). A stated encoding skips detection.
 */
import { FileFormatError } from './file-format-error.js'

/** Encodings the detector can report. Stated encodings may be any WHATWG label. */
export type DetectedEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252'

export type DecodedText = { text: string; encoding: string }

export type DecodeOptions = {
  /** Encoding label ('utf-8', 'utf-16le', 'windows-1252', 'latin1', ...); detected when absent */
  encoding?: string
  /** File name for error messages */
  file?: string
}

/** Unicode code points of Windows-1252 bytes 0x80..0x9F (undefined bytes keep their Latin-1 value). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
]

/** Decodes Windows-1252 by table: Node's built-in decoder treats it as plain Latin-1. */
export function decodeWindows1252(bytes: Uint8Array): string {
  let out = ''
  const chunk: number[] = []
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!
    chunk.push(b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80]! : b)
    if (chunk.length === 8192) {
      out += String.fromCharCode(...chunk)
      chunk.length = 0
    }
  }
  return out + String.fromCharCode(...chunk)
}

/** Guesses the encoding of `bytes` and says how many BOM bytes to skip. */
export function detectEncoding(bytes: Uint8Array): { encoding: DetectedEncoding; bom: number } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bom: 3 }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bom: 2 }
  const sixteen = bomlessUtf16(bytes)
  if (sixteen) return { encoding: sixteen, bom: 0 }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return { encoding: 'utf-8', bom: 0 }
  } catch {
    return { encoding: 'windows-1252', bom: 0 }
  }
}

/** ASCII-heavy UTF-16 without a BOM has a zero in every other byte. */
function bomlessUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, 4096) & ~1
  if (n < 4) return null
  let evenZero = 0
  let oddZero = 0
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++
    if (bytes[i + 1] === 0) oddZero++
  }
  const pairs = n / 2
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return 'utf-16le'
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return 'utf-16be'
  return null
}

/** Labels taken as Windows-1252 that the WHATWG list lacks (people write latin-1). */
const WINDOWS_1252_ALIASES = ['latin-1']

/**
 * The canonical name of a stated encoding label ('latin1' → 'windows-1252', ' UTF-8' → 'utf-8');
 * a RangeError naming the label when no decoder knows it. `--encoding` is checked with this.
 */
export function resolveEncoding(label: string): string {
  const trimmed = label.trim().toLowerCase()
  if (WINDOWS_1252_ALIASES.includes(trimmed)) return 'windows-1252'
  try {
    return new TextDecoder(trimmed).encoding
  } catch (cause) {
    throw new RangeError(`unknown text encoding ${JSON.stringify(label)}; expected a WHATWG label such as utf-8, utf-16le, utf-16be, windows-1252 or latin1`, { cause })
  }
}

/** Decodes bytes to text, detecting the encoding unless one is stated. */
export function decodeText(bytes: Uint8Array, opts: DecodeOptions = {}): DecodedText {
  const file = opts.file ?? '<input>'
  if (opts.encoding === undefined) {
    const { encoding, bom } = detectEncoding(bytes)
    const body = bytes.subarray(bom)
    const text = encoding === 'windows-1252' ? decodeWindows1252(body) : new TextDecoder(encoding).decode(body)
    return { text, encoding }
  }
  let encoding: string
  try {
    encoding = resolveEncoding(opts.encoding)
  } catch (err) {
    throw new RangeError(`${(err as Error).message} (for ${file})`, { cause: err })
  }
  if (encoding === 'windows-1252') return { text: decodeWindows1252(bytes), encoding }
  const decoder = new TextDecoder(encoding, { fatal: true })
  try {
    return { text: decoder.decode(bytes), encoding: decoder.encoding }
  } catch (cause) {
    const bad = decoder.encoding === 'utf-8' ? firstInvalidUtf8(bytes) : -1
    const line = bad < 0 ? undefined : countLines(bytes, bad)
    const where = bad < 0 ? '' : ` (byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} at offset ${bad})`
    throw new FileFormatError(file, { line }, `not valid ${decoder.encoding}${where}; state the right encoding (e.g. --encoding windows-1252)`, { cause })
  }
}

/** Offset of the first byte that breaks UTF-8, or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1
    if (need < 0) return i
    for (let k = 1; k <= need; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i
    i += need + 1
  }
  return -1
}

function countLines(bytes: Uint8Array, end: number): number {
  let line = 1
  for (let i = 0; i < end; i++) if (bytes[i] === 0x0a) line++
  return line
}
