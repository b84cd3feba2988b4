/**
 * Keeps the lines of an untimed (plain text) lyric file placed in the live bridge as the song becomes
 * known: over the known sections (DAW or section file) each time they change, else over the song so
 * far, spread again when the transport stops and each time the song has grown by half (at least
 * `minGrowth` seconds). Only the file's own lines are moved; lines a DAW or user sent stay as they are.
 */
import type { Analysis, LyricLine, Seconds, SectionSpan } from '../analysis/types.js'
import type { LyricSource } from '../lyrics/index.js'
import type { BridgeEvents, BridgeInput } from '../server/protocol.js'
import type { TypedEmitter } from '../server/typed-emitter.js'

/** What the follower needs of the bridge: lyric input, its events, the known sections and the song so far. */
export type LyricsHost = Pick<BridgeInput, 'lyricLine' | 'clearLyrics'> &
  Pick<TypedEmitter<BridgeEvents>, 'on'> & {
    /** The known sections (not detected ones) */
    readonly spans: readonly SectionSpan[]
    analysis(): Pick<Analysis, 'duration' | 'lyrics'>
  }

export type UntimedLyricsOptions = {
  /** File name for the log lines */
  file?: string
  /** Wait this long after the last section change before placing again (a DAW sends sections in bursts), default 100 ms */
  debounceMs?: number
  /** Without sections, spread again once the song has grown by this much (and by half) since the last spread, default 10 s */
  minGrowth?: Seconds
  /** Least time between two looks at the song's length while audio arrives, default 1000 ms */
  checkEveryMs?: number
  /** Terminal lines; null for quiet */
  log?: ((line: string) => void) | null
}

const defaults = { file: 'lyrics', debounceMs: 100, minGrowth: 10, checkEveryMs: 1000, log: null }

/** Two lines are the same when start, end and text are (what the bridge holds is what was sent). */
const key = (l: LyricLine): string => `${l.start}|${l.end}|${l.text}`
/** The bridge keeps one line per start (within 1 ms): a newer line there replaces the older. True when a line of `lines` starts within 1 ms of the one asked about. */
function startsNear(lines: readonly LyricLine[]): (l: LyricLine) => boolean {
  const byMs = new Map<number, LyricLine[]>()
  for (const l of lines) {
    const k = Math.floor(l.start * 1000)
    byMs.set(k, [...(byMs.get(k) ?? []), l])
  }
  return (l) => {
    const k = Math.floor(l.start * 1000)
    return [k - 1, k, k + 1].some((b) => byMs.get(b)?.some((o) => Math.abs(o.start - l.start) < 0.001) ?? false)
  }
}

/** An untimed lyric file following the live bridge's sections and song length. */
export class UntimedLyrics {
  private readonly o: Required<Omit<UntimedLyricsOptions, 'log'>> & Pick<UntimedLyricsOptions, 'log'>
  private readonly unsubscribe: (() => void)[] = []
  /** The bridge's lyric lines as of its last 'lyrics' event */
  private current: LyricLine[]
  /** The file's lines as last sent to the bridge */
  private placed: LyricLine[] = []
  /** Song length the lines were last spread over (no sections known); null while sections are known */
  private spreadOver: Seconds | null = null
  private timer: NodeJS.Timeout | null = null
  private lastCheck = -Infinity
  private placing = false
  private first = true
  private dropped = false
  private closed = false

  /** Places the file's lines now and follows the bridge from then on. */
  constructor(
    private readonly host: LyricsHost,
    private readonly source: LyricSource,
    options: UntimedLyricsOptions = {},
  ) {
    this.o = { ...defaults, ...(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as UntimedLyricsOptions) }
    this.current = [...host.analysis().lyrics]
    // Lines restored from the project that carry the file's text were placed by an earlier run: ours to move.
    const texts = new Set(source.place().map((l) => l.text))
    this.placed = this.current.filter((l) => texts.has(l.text))
    this.unsubscribe.push(
      host.on('lyrics', (lines) => this.lyricsOnChange(lines)),
      host.on('spans', () => this.schedule()),
      host.on('transport', (state) => {
        if (!state.playing) this.songOnGrow(true)
      }),
      host.on('frames', () => this.songOnGrow(false)),
    )
    this.place()
  }

  /** The file's lines as the bridge holds them now. */
  get lines(): LyricLine[] {
    return [...this.placed]
  }

  /** Stops following; the lines already placed stay. */
  close(): void {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    for (const u of this.unsubscribe.splice(0)) u()
  }

  private lyricsOnChange(lines: LyricLine[]): void {
    this.current = lines
    // Someone else cleared the lyrics (OSC /emolane/lyrics/clear, a DAW): the file's lines are gone for good.
    if (!this.placing && lines.length === 0 && this.placed.length > 0) {
      this.placed = []
      this.dropped = true
      this.o.log?.(`lyrics: the lines of ${this.o.file} were cleared; they are not placed again`)
    }
  }

  private schedule(): void {
    if (this.closed || this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.place()
    }, this.o.debounceMs)
    this.timer.unref?.()
  }

  /** Without sections: at a stop, or once the song has grown by half (at least minGrowth), spread again. */
  private songOnGrow(stopped: boolean): void {
    if (this.closed || this.dropped || this.spreadOver === null || this.host.spans.length > 0) return
    const now = performance.now()
    if (!stopped && now - this.lastCheck < this.o.checkEveryMs) return
    this.lastCheck = now
    const duration = this.host.analysis().duration
    const grown = duration - this.spreadOver
    if (grown <= 0 || (!stopped && (grown < this.o.minGrowth || duration < 1.5 * this.spreadOver))) return
    this.place()
  }

  /** Places the file's lines for what is known now, replacing the ones placed before. */
  private place(): void {
    if (this.closed || this.dropped) return
    const spans = this.host.spans
    let next: LyricLine[]
    let where: string
    if (spans.length > 0) {
      next = this.source.place({ sections: [...spans] })
      this.spreadOver = null
      where = `in ${spans.length} section${spans.length === 1 ? '' : 's'}`
    } else {
      const duration = this.host.analysis().duration
      next = this.source.place({ duration: duration > 0 ? duration : undefined })
      this.spreadOver = duration
      where = duration > 0 ? `over the first ${duration.toFixed(1)} s of the song` : 'at a nominal pace until sections or audio arrive'
    }
    const mine = new Set(this.placed.map(key))
    const foreign = this.current.filter((l) => !mine.has(key(l)))
    // a line someone else sent keeps its start: the file's line there gives way
    const takenByOthers = startsNear(foreign)
    const send = next.filter((l) => !takenByOthers(l))
    const held = new Set(this.current.map(key))
    const replaced = startsNear(send)
    const stale = this.current.some((l) => mine.has(key(l)) && !replaced(l))
    const first = this.first
    this.first = false
    if (!stale && send.length === this.placed.length && send.every((l) => held.has(key(l)))) {
      if (first) this.o.log?.(`lyrics: ${send.length} untimed lines from ${this.o.file}, placed ${where}`)
      return
    }
    this.placing = true
    try {
      if (stale) {
        // the bridge can only drop all lines: drop them, give the others back, then the file's
        this.host.clearLyrics()
        for (const l of foreign) this.host.lyricLine(l)
      }
      for (const l of send) if (stale || !held.has(key(l))) this.host.lyricLine(l)
    } finally {
      this.placing = false
    }
    this.placed = send
    this.o.log?.(`lyrics: ${send.length} untimed lines from ${this.o.file}, placed ${where}`)
  }
}

/** True when the bridge offers what UntimedLyrics needs (the live Bridge does; a bare BridgeInput does not). */
export function isLyricsHost(bridge: object): bridge is LyricsHost {
  const b = bridge as Partial<LyricsHost>
  return typeof b.on === 'function' && typeof b.analysis === 'function' && Array.isArray(b.spans)
}
