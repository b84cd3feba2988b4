/**
 * Plays a song into a bridge the way a DAW session does over a long stretch: passes over parts of
 * the song (a seek before each, as a loop or a jump of the play head), lyric lines edited while it
 * plays, audio blocks paced on the wall clock at `speed`. Logs when each block and message went out.
 */
import type { LyricLine, Seconds, SectionSpan } from '../bridge/analysis/types.js'
import type { StreamTarget } from '../bridge/stream/stream-target.js'

/** One pass of the play head over [from, until) of the song. */
export type Segment = { from: Seconds; until: Seconds }

/** A lyric line sent once `after` seconds of song have been played in this session. */
export type LyricEdit = { after: Seconds; line: LyricLine }

/** What to play. */
export type Session = {
  /** Mono PCM of the song at `sampleRate` (duplicated to `channels`). */
  pcm: Float32Array
  sampleRate: number
  lyrics: LyricLine[]
  sections: SectionSpan[]
  tempo: number | null
  segments: Segment[]
  edits?: LyricEdit[]
}

/** How to play it. */
export type SessionOptions = {
  /** Playback speed, 1 = real time */
  speed: number
  /** Audio block length, ms, default 50 (as `emolane stream`) */
  blockMs?: number
  /** Channels sent, default 2 (a DAW's stereo bus) */
  channels?: 1 | 2
  /** A block ending at song time `end` went out at performance.now() `at` (after the send completed). */
  onBlock?: (end: Seconds, at: number, segment: number) => void
  /** A seek or stop went out, ending segment `segment` (which reached song time `end`). */
  onSegmentEnd?: (end: Seconds, at: number, segment: number) => void
  onEdit?: (line: LyricLine, at: number) => void
}

const defaults = { blockMs: 50, channels: 2 as 1 | 2 }

/** What a session sent. */
export type SessionReport = { blocks: number; songSeconds: Seconds; wallSeconds: Seconds; seeks: number; edits: number }

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Plays the session into `target`; resolves after the final stop. */
export async function playSession(target: StreamTarget, session: Session, options: SessionOptions): Promise<SessionReport> {
  const o = { ...defaults, ...options }
  if (!(o.speed > 0)) throw new RangeError(`speed must be > 0, got ${o.speed}`)
  const rate = session.sampleRate
  const duration = session.pcm.length / rate
  for (const s of session.segments) {
    if (!(s.from >= 0 && s.until > s.from && s.until <= duration + 1e-9)) throw new RangeError(`segment [${s.from}, ${s.until}) s must lie within the song's [0, ${duration.toFixed(2)}) s`)
  }
  if (session.tempo) await target.send('/emolane/tempo', [session.tempo])
  for (const s of session.sections) await target.send('/emolane/section', [s.start, s.end, s.name])
  for (const l of session.lyrics) await target.send('/emolane/lyrics/line', [l.start, l.end, l.text])

  const edits = [...(session.edits ?? [])].sort((a, b) => a.after - b.after)
  const frames = Math.max(1, Math.round((o.blockMs / 1000) * rate))
  const started = performance.now()
  let played = 0 // song seconds sent so far, all segments
  let blocks = 0
  let nextEdit = 0
  for (const [index, seg] of session.segments.entries()) {
    if (index > 0) o.onSegmentEnd?.(session.segments[index - 1]!.until, performance.now(), index - 1)
    await target.send('/emolane/transport/seek', [seg.from])
    if (index === 0) await target.send('/emolane/transport/play')
    const last = Math.min(session.pcm.length, Math.round(seg.until * rate))
    for (let f = Math.round(seg.from * rate); f < last; f += frames) {
      const n = Math.min(frames, last - f)
      const mono = session.pcm.subarray(f, f + n)
      let samples: Float32Array
      if (o.channels === 2) {
        samples = new Float32Array(n * 2)
        for (let i = 0; i < n; i++) samples[2 * i] = samples[2 * i + 1] = mono[i]!
      } else {
        samples = mono.slice()
      }
      await target.audio({ channels: o.channels, sampleRate: rate, time: f / rate, samples })
      blocks++
      played += n / rate
      o.onBlock?.((f + n) / rate, performance.now(), index)
      while (nextEdit < edits.length && edits[nextEdit]!.after <= played) {
        const { line } = edits[nextEdit++]!
        await target.send('/emolane/lyrics/line', [line.start, line.end, line.text])
        o.onEdit?.(line, performance.now())
      }
      // pace on the wall clock, so timer jitter does not add up
      const wait = started + (played * 1000) / o.speed - performance.now()
      if (wait > 1) await sleep(wait)
    }
  }
  await target.send('/emolane/transport/stop')
  o.onSegmentEnd?.(session.segments.at(-1)!.until, performance.now(), session.segments.length - 1)
  return { blocks, songSeconds: played, wallSeconds: (performance.now() - started) / 1000, seeks: session.segments.length, edits: nextEdit }
}
