/**
 * Long sessions for the soaks, built from the 3-minute song: the song looped (a songwriter playing
 * it again and again), and a session with jumps of the play head and lyric lines rewritten while it
 * plays. Seeded, so that every run plays the same session.
 */
import type { LyricLine, Seconds } from '../bridge/analysis/types.js'
import type { LyricEdit, Segment, Session } from './session-player.js'

/** A deterministic PRNG (mulberry32) giving floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The whole song played again and again until `total` seconds of song have gone by. */
export function loopPlan(duration: Seconds, total: Seconds): Segment[] {
  if (!(duration > 0)) throw new RangeError(`song duration must be > 0 s, got ${duration}`)
  const out: Segment[] = []
  for (let played = 0; played < total; played += duration) out.push({ from: 0, until: duration })
  return out
}

/** Options of the seek-and-edit plan. */
export type SeekEditOptions = {
  /** Shortest and longest stretch played between two jumps, seconds (default 15 and 90) */
  minStretch?: Seconds
  maxStretch?: Seconds
  /** Song seconds between two lyric edits (default 30) */
  editEvery?: Seconds
  seed?: number
  /**
   * Play the whole song once before the jumps (default true), as a songwriter does: the timeline then
   * holds the whole song from the end of that pass, as in the looped soak. Random stretches alone
   * reach the song's first seconds only now and then (a stretch starts uniformly anywhere), so the
   * timeline went on filling for 10-15 minutes of song, which read as growth.
   */
  firstPass?: boolean
}

const seekDefaults = { minStretch: 15, maxStretch: 90, editEvery: 30, seed: 6, firstPass: true }

/**
 * Stretches of the song starting anywhere (each after a seek) until `total` seconds have been played,
 * after one pass over the whole song, and a lyric edit every `editEvery` seconds: an existing line
 * (same start, so it replaces it) gets another line's words, as a songwriter trying a new line.
 */
export function seekEditPlan(duration: Seconds, lyrics: readonly LyricLine[], total: Seconds, options: SeekEditOptions = {}): { segments: Segment[]; edits: LyricEdit[] } {
  const o = { ...seekDefaults, ...options }
  if (!(duration > o.minStretch)) throw new RangeError(`the song (${duration} s) must be longer than the shortest stretch (${o.minStretch} s)`)
  const rand = prng(o.seed)
  const segments: Segment[] = o.firstPass ? [{ from: 0, until: duration }] : []
  let played = o.firstPass ? duration : 0
  while (played < total) {
    const length = o.minStretch + rand() * (o.maxStretch - o.minStretch)
    // start on the 50 ms grid, as a DAW's play head snapped to a block
    const from = Math.floor((rand() * (duration - o.minStretch)) / 0.05) * 0.05
    const until = Math.min(duration, from + length)
    segments.push({ from: Math.round(from * 1000) / 1000, until })
    played += until - from
  }
  const edits: LyricEdit[] = []
  if (lyrics.length > 1) {
    for (let after = o.editEvery; after < played; after += o.editEvery) {
      const line = lyrics[Math.floor(rand() * lyrics.length)]!
      const other = lyrics[Math.floor(rand() * lyrics.length)]!
      edits.push({ after, line: { start: line.start, end: line.end, text: other.text === line.text ? `${line.text} (again)` : other.text } })
    }
  }
  return { segments, edits }
}

/**
 * A long song made of the song played back to back until `total` seconds (song time runs on, no
 * seek), its lyrics repeated with it, and no DAW sections, so that the bridge finds sections from
 * the audio of the whole long song (the main-thread stall test).
 */
export function longSong(session: Pick<Session, 'pcm' | 'sampleRate' | 'lyrics'>, total: Seconds): Session {
  const n = Math.round(total * session.sampleRate)
  if (!(n > 0) || session.pcm.length === 0) throw new RangeError(`a long song needs audio and total > 0 s, got ${session.pcm.length} samples and ${total} s`)
  const pcm = new Float32Array(n)
  for (let at = 0; at < n; at += session.pcm.length) pcm.set(session.pcm.subarray(0, Math.min(session.pcm.length, n - at)), at)
  const duration = session.pcm.length / session.sampleRate
  const lyrics: LyricLine[] = []
  for (let offset = 0; offset < total; offset += duration) {
    for (const l of session.lyrics) if (l.start + offset < total) lyrics.push({ start: l.start + offset, end: Math.min(total, l.end + offset), text: l.text })
  }
  return { pcm, sampleRate: session.sampleRate, lyrics, sections: [], tempo: null, segments: [{ from: 0, until: n / session.sampleRate }] }
}
