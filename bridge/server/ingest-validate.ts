/**
 * Checks every value that arrives from outside (OSC, WebSocket, DAW dialects, API callers) before
 * it reaches the timeline; each refusal is an IngestError saying what was expected and what came.
 */
import type { LyricLine, Seconds, SectionSpan } from '../analysis/types.js'
import { IngestError, type IngestErrorCode } from './ingest-error.js'
import type { AudioBlock } from './protocol.js'

/** Limits on what one input may carry. */
export type IngestLimits = {
  /** Longest song time accepted, seconds. */
  maxDuration: Seconds
  /** Most channels in one audio block. */
  maxChannels: number
  /** Longest audio block, seconds. */
  maxBlockSeconds: Seconds
  /** Lowest and highest accepted sample rate, Hz. */
  minSampleRate: number
  maxSampleRate: number
  /** Longest lyric line or section name, characters. */
  maxLyricChars: number
  maxSectionNameChars: number
}

/** The defaults the bridge uses (also exported for tests and docs). */
export const defaultIngestLimits: IngestLimits = {
  maxDuration: 1200,
  maxChannels: 32,
  maxBlockSeconds: 10,
  minSampleRate: 8000,
  maxSampleRate: 192000,
  maxLyricChars: 2000,
  maxSectionNameChars: 200,
}

const describe = (v: unknown): string => (typeof v === 'number' ? String(v) : typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : typeof v)

/** A finite song time in [0, maxDuration]. */
export function checkSongTime(v: unknown, what: string, limits: IngestLimits, code: 'lyrics-bad-time' | 'section-bad' | 'seek-bad' | 'audio-bad-time'): Seconds {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new IngestError(code, `${what} must be a finite number of seconds, got ${describe(v)}`)
  if (v < 0 || v > limits.maxDuration) throw new IngestError(code, `${what} must be in [0, ${limits.maxDuration}] s, got ${v}`)
  return v
}

/** Checks an audio block: channels, rate, size, finite time and samples. */
export function checkAudioBlock(block: AudioBlock, limits: IngestLimits): AudioBlock {
  const { channels, sampleRate, time, samples } = block
  if (!Number.isInteger(channels) || channels < 1 || channels > limits.maxChannels) {
    throw new IngestError('audio-bad-channels', `audio channels must be an integer in [1, ${limits.maxChannels}], got ${describe(channels)}`)
  }
  if (typeof sampleRate !== 'number' || !Number.isFinite(sampleRate) || sampleRate < limits.minSampleRate || sampleRate > limits.maxSampleRate) {
    throw new IngestError('audio-bad-rate', `audio sample rate must be in [${limits.minSampleRate}, ${limits.maxSampleRate}] Hz, got ${describe(sampleRate)}`)
  }
  if (typeof time !== 'number' || !Number.isFinite(time)) throw new IngestError('audio-bad-time', `audio time must be a finite number of seconds, got ${describe(time)}`)
  if (!(samples instanceof Float32Array)) throw new IngestError('audio-bad-size', `audio samples must be a Float32Array, got ${describe(samples)}`)
  if (samples.length === 0) throw new IngestError('audio-bad-size', 'audio block holds no samples')
  if (samples.length % channels !== 0) {
    throw new IngestError('audio-bad-size', `audio block of ${samples.length} samples is not a whole number of ${channels}-channel frames (truncated?)`)
  }
  const seconds = samples.length / channels / sampleRate
  if (seconds > limits.maxBlockSeconds) {
    throw new IngestError('audio-bad-size', `audio block of ${seconds.toFixed(2)} s is longer than the limit of ${limits.maxBlockSeconds} s (option maxBlockSeconds)`)
  }
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!
    if (!Number.isFinite(s)) {
      throw new IngestError('audio-nan', `audio block at ${time.toFixed(3)} s holds a non-finite sample (${s}) at index ${i}; expected finite float PCM`)
    }
  }
  return block
}

/** Control characters other than tab and newline have no place in lyrics or names. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/

function checkText(v: unknown, what: string, max: number, codes: { bad: IngestErrorCode; long: IngestErrorCode }): string {
  if (typeof v !== 'string') throw new IngestError(codes.bad, `${what} must be a string, got ${describe(v)}`)
  if (v.length > max) throw new IngestError(codes.long, `${what} is ${v.length} characters long, the limit is ${max} (option maxLyricChars / maxSectionNameChars)`)
  if (CONTROL.test(v)) throw new IngestError(codes.bad, `${what} holds control characters; expected plain text`)
  return v
}

const lyricCodes = { bad: 'lyrics-bad-text', long: 'lyrics-too-long' } as const
const sectionCodes = { bad: 'section-bad', long: 'section-bad' } as const

/** Checks a lyric line: times in range and ordered, text within limits. */
export function checkLyricLine(line: LyricLine, limits: IngestLimits): LyricLine {
  const start = checkSongTime(line.start, 'lyric line start', limits, 'lyrics-bad-time')
  const end = checkSongTime(line.end, 'lyric line end', limits, 'lyrics-bad-time')
  if (!(end > start)) throw new IngestError('lyrics-bad-time', `lyric line end must be after its start, got start ${start} s, end ${end} s`)
  const text = checkText(line.text, 'lyric line text', limits.maxLyricChars, lyricCodes)
  const out: LyricLine = { start, end, text }
  if (line.words !== undefined) {
    if (!Array.isArray(line.words) || line.words.length > 1000) throw new IngestError('lyrics-bad-time', 'lyric line words must be an array of at most 1000 timed words')
    out.words = line.words.map((w, i) => {
      const ws = checkSongTime(w?.start, `word ${i} start`, limits, 'lyrics-bad-time')
      const we = checkSongTime(w?.end, `word ${i} end`, limits, 'lyrics-bad-time')
      if (we < ws) throw new IngestError('lyrics-bad-time', `word ${i} ends (${we} s) before it starts (${ws} s)`)
      return { start: ws, end: we, text: checkText(w?.text, `word ${i} text`, limits.maxLyricChars, lyricCodes) }
    })
  }
  return out
}

/** Checks a section span: times in range and ordered, a non-empty name. */
export function checkSection(span: SectionSpan, limits: IngestLimits): SectionSpan {
  const start = checkSongTime(span.start, 'section start', limits, 'section-bad')
  const end = checkSongTime(span.end, 'section end', limits, 'section-bad')
  if (!(end > start)) throw new IngestError('section-bad', `section end must be after its start, got start ${start} s, end ${end} s`)
  const name = checkText(span.name, 'section name', limits.maxSectionNameChars, sectionCodes).trim()
  if (!name) throw new IngestError('section-bad', 'section name must not be empty')
  const source = span.source === 'file' || span.source === 'detected' ? span.source : 'daw'
  return { start, end, name, source }
}

/** Checks a tempo: finite, 1..1000 bpm. */
export function checkTempo(bpm: unknown): number {
  if (typeof bpm !== 'number' || !Number.isFinite(bpm) || bpm < 1 || bpm > 1000) {
    throw new IngestError('tempo-bad', `tempo must be a number of beats per minute in [1, 1000], got ${describe(bpm)}`)
  }
  return bpm
}

/** Checks a project name: 1..64 of letters, digits, '.', '_' and '-', not starting with '.'. */
export function checkProjectName(name: unknown): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw new IngestError('project-bad', `project name must be 1-64 letters, digits, '.', '_' or '-' (not starting with '.'), got ${describe(name)}`)
  }
  return name
}
