/**
 * The panel's copy of the analysed timeline, kept up to date from /ws feed messages.
 * Plain data and pure updates (no DOM), so the controller and the tests share it.
 */
import type { Conflict, Frame, LyricLine, Section, Seconds, Summary } from '../bridge/analysis/types.js'
import type { BridgeErrorInfo, BridgeStatus, FeedMessage, TransportState } from '../bridge/server/protocol.js'

/**
 * Transport as last reported, with the local clock reading when it arrived (ms, performance.now())
 * and the playback rate (song seconds per second: 1 from a DAW, more from `emolane stream --speed`).
 */
export type TransportSample = TransportState & { receivedAt: number; rate?: number }

/** Song time under the play head at local time `now` (ms), moving on at `rate` while playing. */
export function playheadAt(t: TransportSample, now: number): Seconds {
  return t.playing ? t.time + ((t.rate ?? 1) * Math.max(0, now - t.receivedAt)) / 1000 : t.time
}

/** Limits of the measured playback rate. */
const RATE = { min: 0.25, max: 32 }
/** Step the play head back to the bridge's position only when ours runs ahead by more than this, song seconds per unit rate. */
const DRIFT: Seconds = 0.2

/** Frames closer than this are the same window (a re-analysis replaces the old reading). */
const SAME_FRAME: Seconds = 1e-3
/** How many feed errors the panel remembers. */
const MAX_ERRORS = 20

const FEED_TYPES = new Set(['snapshot', 'frames', 'invalidate', 'sections', 'conflicts', 'lyrics', 'lyric-lines', 'transport', 'status', 'error'])

/** `lines` with each changed line replacing the one with the same start (within 1 ms), in time order. */
export function mergeLines(lines: LyricLine[], changed: LyricLine[]): LyricLine[] {
  const out = [...lines]
  for (const c of changed) {
    const i = out.findIndex((l) => Math.abs(l.start - c.start) < SAME_FRAME)
    if (i >= 0) out[i] = c
    else out.push(c)
  }
  return out.sort((a, b) => a.start - b.start)
}

/** Parses one feed message; throws a TypeError naming what was expected and what arrived. */
export function parseFeedMessage(raw: string): FeedMessage {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch (cause) {
    throw new TypeError(`feed message must be JSON, got ${JSON.stringify(raw.slice(0, 40))}`, { cause })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`feed message must be an object, got ${Array.isArray(value) ? 'array' : typeof value}`)
  }
  const type = (value as { type?: unknown }).type
  if (typeof type !== 'string' || !FEED_TYPES.has(type)) {
    throw new TypeError(`feed message type must be one of ${[...FEED_TYPES].join(', ')}, got ${JSON.stringify(type)}`)
  }
  return value as FeedMessage
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x)
const isFrame = (f: unknown): f is Frame =>
  typeof f === 'object' && f !== null && finite((f as Frame).t) && finite((f as Frame).valence) && finite((f as Frame).arousal)
const isSpan = (s: unknown): s is { start: number; end: number } =>
  typeof s === 'object' && s !== null && finite((s as Section).start) && finite((s as Section).end)
const isLine = (l: unknown): l is LyricLine => isSpan(l) && typeof (l as LyricLine).text === 'string'
const arrayOf = <T>(xs: unknown, ok: (x: unknown) => x is T): T[] => (Array.isArray(xs) ? xs.filter(ok) : [])

/** Index of the first frame with t >= `t` (frames sorted by t). */
export function lowerBound(frames: readonly { t: number }[], t: Seconds): number {
  let lo = 0
  let hi = frames.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (frames[mid]!.t < t) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The timeline the panel draws; `revision` grows on every change so views know when to redraw. */
export class TimelineState {
  /** Frames sorted by window centre. */
  frames: Frame[] = []
  sections: Section[] = []
  summary: Summary | null = null
  conflicts: Conflict[] = []
  lyrics: LyricLine[] = []
  transport: TransportSample = { playing: false, time: 0, tempo: null, receivedAt: 0 }
  status: BridgeStatus | null = null
  /** Analysis window and hop from the last snapshot, seconds. */
  window: Seconds = 6
  hop: Seconds = 0.5
  /** Audio duration from the last snapshot. */
  duration: Seconds = 0
  source = ''
  errors: BridgeErrorInfo[] = []
  /** Messages that arrived but did not fit the protocol (ignored, counted). */
  rejected = 0
  /** Grows on every change to frames (the curve's redraw trigger). */
  framesRevision = 0
  /** Grows on every change of any kind. */
  revision = 0
  /** Snapshots received: more than one means the panel reconnected and redrew. */
  snapshots = 0
  /** The bridge's last position report while playing (song time, local ms), for the rate estimate. */
  private lastReport: { time: Seconds; at: number } | null = null

  /** Applies one feed message; `now` is the local clock (ms) used to extrapolate the play head. */
  apply(msg: FeedMessage, now: number): void {
    switch (msg.type) {
      case 'snapshot': {
        const a = msg.analysis ?? ({} as Partial<FeedMessage & { type: 'snapshot' }>['analysis'])
        this.frames = arrayOf(a?.frames, isFrame).sort((x, y) => x.t - y.t)
        this.sections = arrayOf(a?.sections, isSpan) as Section[]
        this.conflicts = arrayOf(a?.conflicts, isSpan) as Conflict[]
        this.lyrics = arrayOf(a?.lyrics, isLine)
        this.summary = a?.summary ?? null
        if (finite(a?.window)) this.window = a.window
        if (finite(a?.hop)) this.hop = a.hop
        this.duration = finite(a?.duration) ? a.duration : 0
        this.source = typeof a?.source === 'string' ? a.source : ''
        if (msg.status) {
          this.status = msg.status
          if (msg.status.transport && finite(msg.status.transport.time)) this.setTransport(msg.status.transport, now)
        }
        this.snapshots++
        this.framesRevision++
        break
      }
      case 'frames':
        this.mergeFrames(arrayOf(msg.frames, isFrame))
        break
      case 'invalidate':
        if (finite(msg.start) && finite(msg.end)) this.invalidate(msg.start, msg.end)
        break
      case 'sections':
        this.sections = arrayOf(msg.sections, isSpan) as Section[]
        this.summary = msg.summary ?? null
        break
      case 'conflicts':
        this.conflicts = arrayOf(msg.conflicts, isSpan) as Conflict[]
        break
      case 'lyrics':
        this.lyrics = arrayOf(msg.lines, isLine)
        break
      case 'lyric-lines':
        this.lyrics = mergeLines(this.lyrics, arrayOf(msg.lines, isLine))
        break
      case 'transport':
        if (msg.state && finite(msg.state.time)) this.setTransport(msg.state, now)
        break
      case 'status':
        if (msg.status) this.setStatus(msg.status, now)
        break
      case 'error':
        if (msg.error) this.errors = [...this.errors, msg.error].slice(-MAX_ERRORS)
        break
    }
    this.revision++
  }

  /** Song time under the play head at local time `now` (ms), moving on while the transport plays. */
  playhead(now: number): Seconds {
    return playheadAt(this.transport, now)
  }

  /** End of everything known: audio, frames, sections, lyrics. */
  extent(): Seconds {
    const last = this.frames[this.frames.length - 1]
    let end = Math.max(this.duration, last ? last.end : 0)
    for (const s of this.sections) end = Math.max(end, s.end)
    for (const l of this.lyrics) end = Math.max(end, l.end)
    return end
  }

  /** Inserts frames in time order; a frame at an existing window centre replaces the old one. */
  mergeFrames(incoming: Frame[]): void {
    if (incoming.length === 0) return
    const frames = this.frames
    for (const f of incoming) {
      const last = frames[frames.length - 1]
      if (!last || f.t > last.t + SAME_FRAME) {
        frames.push(f)
        continue
      }
      const i = lowerBound(frames, f.t - SAME_FRAME)
      if (i < frames.length && Math.abs(frames[i]!.t - f.t) <= SAME_FRAME) frames[i] = f
      else frames.splice(i, 0, f)
    }
    this.framesRevision++
  }

  /** Drops frames whose centre lies in [start, end). */
  invalidate(start: Seconds, end: Seconds): void {
    const i = lowerBound(this.frames, start)
    const j = lowerBound(this.frames, end)
    if (j > i) {
      this.frames.splice(i, j - i)
      this.framesRevision++
    }
  }

  private setStatus(status: BridgeStatus, now: number): void {
    this.status = status
    const t = status.transport
    if (!t || !finite(t.time)) return
    if (!t.playing || !this.transport.playing) {
      if (t.playing !== this.transport.playing) this.setTransport(t, now)
      return
    }
    // While playing, the status carries the bridge's position (where the audio has reached): learn the
    // playback rate from it, and re-anchor only on real drift so the cursor does not jitter.
    const last = this.lastReport
    if (last && t.time >= last.time && now - last.at >= 300) {
      const measured = Math.min(RATE.max, Math.max(RATE.min, ((t.time - last.time) * 1000) / (now - last.at)))
      this.transport = { ...this.transport, time: this.playhead(now), receivedAt: now, rate: 0.5 * (this.transport.rate ?? 1) + 0.5 * measured }
      this.lastReport = { time: t.time, at: now }
    } else if (!last || t.time < last.time) {
      this.lastReport = { time: t.time, at: now }
    }
    // Catch up whenever the bridge is ahead; step back only when it is well behind (no jitter).
    const behind = this.playhead(now) - t.time
    if (behind < 0 || behind > DRIFT * Math.max(1, this.transport.rate ?? 1)) this.transport = { ...this.transport, time: t.time, receivedAt: now }
  }

  /** Takes a transport report as the new anchor; a jump or a stop resets the rate estimate. */
  private setTransport(state: TransportState, now: number): void {
    const predicted = this.playhead(now)
    const jumped = !state.playing || !this.transport.playing || Math.abs(state.time - predicted) > 1
    this.transport = { ...state, receivedAt: now, rate: this.transport.rate ?? 1 }
    if (jumped) this.lastReport = state.playing ? { time: state.time, at: now } : null
  }
}
