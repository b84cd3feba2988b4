/**
 * Plays a decoded song into a bridge the way a DAW does: project, tempo, sections and lyric lines
 * first, then transport play and audio blocks paced in real time (times `speed`), then stop.
 */
import type { LyricLine, Seconds, SectionSpan } from '../analysis/types.js'
import type { StreamTarget } from './stream-target.js'

/** A song to play: mono PCM plus what the DAW would know about it. */
export type Song = {
  pcm: Float32Array
  sampleRate: number
  lyrics?: LyricLine[]
  sections?: SectionSpan[]
  tempo?: number | null
}

/** How to play it. */
export type PlayOptions = {
  /** Playback speed, 1 = real time, default 1 */
  speed?: number
  /** Audio block length, ms, default 50 */
  blockMs?: number
  /** Channels sent (mono is duplicated, as a DAW's stereo bus), default 2 */
  channels?: 1 | 2
  /** Song time to start from and to stop at, seconds (default the whole song) */
  from?: Seconds
  until?: Seconds
  /** Project to switch the bridge to first */
  project?: string
  /** Called after each block with the song time reached */
  onProgress?: (time: Seconds, duration: Seconds) => void
  /** Stops early when aborted (stop is still sent) */
  signal?: AbortSignal
}

const defaults = { speed: 1, blockMs: 50, channels: 2 as 1 | 2 }

/** What a play sent. */
export type PlayReport = { blocks: number; seconds: Seconds; wallSeconds: Seconds; lyrics: number; sections: number }

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Sends the song to the target, paced; resolves when the stop message has gone out. */
export async function playInto(target: StreamTarget, song: Song, options: PlayOptions = {}): Promise<PlayReport> {
  const o = { ...defaults, ...options }
  if (!(o.speed > 0) || !Number.isFinite(o.speed)) throw new RangeError(`speed must be a positive number, got ${o.speed}`)
  if (!(o.blockMs >= 1 && o.blockMs <= 10_000)) throw new RangeError(`blockMs must be in [1, 10000], got ${o.blockMs}`)
  const rate = song.sampleRate
  const duration = song.pcm.length / rate
  const from = Math.max(0, o.from ?? 0)
  const until = Math.min(duration, o.until ?? duration)
  if (!(until > from)) throw new RangeError(`nothing to play between ${from} s and ${until} s (the song is ${duration.toFixed(2)} s long)`)
  const lyrics = song.lyrics ?? []
  const sections = song.sections ?? []

  if (o.project) await target.send('/emolane/project', [o.project])
  if (song.tempo) await target.send('/emolane/tempo', [song.tempo])
  for (const s of sections) await target.send('/emolane/section', [s.start, s.end, s.name])
  for (const l of lyrics) await target.send('/emolane/lyrics/line', [l.start, l.end, l.text])
  await target.send('/emolane/transport/seek', [from])
  await target.send('/emolane/transport/play')

  const frames = Math.max(1, Math.round((o.blockMs / 1000) * rate))
  const first = Math.round(from * rate)
  const last = Math.round(until * rate)
  const started = performance.now()
  let blocks = 0
  for (let f = first; f < last; f += frames) {
    if (o.signal?.aborted) break
    const n = Math.min(frames, last - f)
    const mono = song.pcm.subarray(f, f + n)
    let samples: Float32Array
    if (o.channels === 2) {
      samples = new Float32Array(n * 2)
      for (let i = 0; i < n; i++) samples[2 * i] = samples[2 * i + 1] = mono[i]!
    } else {
      samples = mono.slice()
    }
    await target.audio({ channels: o.channels, sampleRate: rate, time: f / rate, samples })
    blocks++
    o.onProgress?.((f + n) / rate, until)
    // pace on the wall clock, so timer jitter does not add up
    const due = started + (((f + n - first) / rate) * 1000) / o.speed
    const wait = due - performance.now()
    if (wait > 1) await sleep(wait)
  }
  await target.send('/emolane/transport/stop')
  return { blocks, seconds: (last - first) / rate, wallSeconds: (performance.now() - started) / 1000, lyrics: lyrics.length, sections: sections.length }
}
