/**
 * Lyrics inside MIDI files: lyric meta events (FF 05) as most sequencers write them, or the text
 * events (FF 01) of a .kar karaoke file, where `/` starts a new line, `\` a new stanza and `@` lines
 * carry file info. Syllables are joined into words; each line gets word times.
 */
import type { Seconds } from '../analysis/types.js'
import { readSmf } from '../midi/smf-reader.js'
import { META, metaTexts, type MetaText } from '../midi/meta-text.js'
import { decodeText, detectEncoding } from './decode-text.js'
import { FileFormatError, type FilePlace } from './file-format-error.js'
import type { RawLine } from './finish-lines.js'
import { joinSegments, type Segment } from './word-segments.js'

export type MidiLyricsOptions = { file?: string; encoding?: string; kar?: boolean }

/** Lines without explicit breaks split where the singer pauses this long, or after this many words. */
const defaults = { pauseBreak: 1.5 as Seconds, maxWordsPerLine: 12 }

/** Reads lyric lines from MIDI bytes. */
export function parseMidiLyrics(bytes: Uint8Array, opts: MidiLyricsOptions = {}): RawLine[] {
  const file = opts.file ?? '<input>'
  const midi = readSmf(bytes, file)
  const texts = metaTexts(midi, [META.text, META.lyric])
  const karaoke = texts.filter((t) => t.type === META.text)
  const isKar = opts.kar === true || karaoke.some((t) => startsWith(t.bytes, '@K'))
  const chosen = isKar ? busiestTrack(karaoke.filter((t) => !startsWith(t.bytes, '@'))) : busiestTrack(texts.filter((t) => t.type === META.lyric))
  if (chosen.length === 0) {
    throw new FileFormatError(file, {}, isKar ? 'this .kar file has no karaoke text events' : 'this MIDI file has no lyric events (meta FF 05) or karaoke text (.kar)')
  }
  const encoding = opts.encoding ?? detectEncoding(concat(chosen.map((t) => t.bytes))).encoding
  const syllables = chosen.map((t) => ({ time: t.time, text: decodeText(t.bytes, { encoding, file }).text.replace(/\0/g, ''), at: { track: t.track + 1, tick: t.tick } }))
  return toLines(syllables)
}

/** A text event's time and text, and where it is (1-based track, tick). */
type Syllable = { time: Seconds; text: string; at: FilePlace }

function toLines(syllables: Syllable[]): RawLine[] {
  const explicit = syllables.some((s) => /^[/\\]|[\r\n]/.test(s.text))
  const lines: Segment[][] = [[]]
  /** Where each line's first event is. */
  const places: FilePlace[] = []
  const breakLine = () => {
    if (lines.at(-1)!.length > 0) lines.push([])
  }
  const add = (seg: Segment, s: Syllable) => {
    if (lines.at(-1)!.length === 0) places[lines.length - 1] = s.at
    lines.at(-1)!.push(seg)
  }
  const multiWord = syllables.reduce((n, s) => n + s.text.trim().split(/\s+/).length, 0) / syllables.length >= 3
  for (let i = 0; i < syllables.length; i++) {
    const s = syllables[i]!
    const current = lines.at(-1)!
    if (explicit) {
      const breakBefore = /^[/\\\r\n]/.test(s.text)
      const breakAfter = /[\r\n]\s*$/.test(s.text)
      const text = s.text.replace(/^[/\\\r\n]+/, '').replace(/[\r\n]+\s*$/, '').replace(/[\r\n]+/g, ' ')
      if (breakBefore) breakLine()
      if (text.trim() !== '') add({ start: s.time, text }, s)
      if (breakAfter) breakLine()
    } else if (multiWord) {
      breakLine()
      add({ start: s.time, text: s.text.trim() }, s)
    } else {
      const prev = syllables[i - 1]
      const wordBoundary = /^\s/.test(s.text) || /\s$/.test(prev?.text ?? '')
      const long = joinSegments(current).length >= defaults.maxWordsPerLine && wordBoundary
      if (prev && (s.time - prev.time > defaults.pauseBreak || long)) breakLine()
      add({ start: s.time, text: s.text }, s)
    }
  }
  const out: RawLine[] = []
  lines.forEach((segs, k) => {
    if (segs.length === 0) return
    const words = joinSegments(segs)
    // Whole phrases per event carry no word times.
    const wordTimed = !segs.some((seg) => /\S\s+\S/.test(seg.text))
    out.push({ start: segs[0]!.start, text: words.map((w) => w.text).join(' '), words: wordTimed ? words : undefined, at: places[k] })
  })
  return out
}

function busiestTrack(texts: MetaText[]): MetaText[] {
  const counts = new Map<number, number>()
  for (const t of texts) counts.set(t.track, (counts.get(t.track) ?? 0) + 1)
  const best = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0]
  return texts.filter((t) => t.track === best)
}

function startsWith(bytes: Uint8Array, prefix: string): boolean {
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix.charCodeAt(i)) return false
  return true
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    out[o + p.length] = 0x20
    o += p.length + 1
  }
  return out
}
