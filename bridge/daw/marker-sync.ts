/**
 * Keeps the DAW's markers, regions and cue points, derives sections and lyric lines from them, and
 * tells the bridge what changed. Region names become sections; a marker or region named with a
 * lyric prefix ("lyric: Hold me now") becomes a lyric line. Without regions, markers start sections.
 */
import type { LyricLine, Seconds, SectionSpan } from '../analysis/types.js'
import { finishLines, type RawLine } from '../lyrics/finish-lines.js'
import { finishSections, type RawSection } from '../sections/finish-sections.js'
import type { BridgeInput } from '../server/protocol.js'

/** What marker sync calls: the bridge input, and clearSections where the bridge offers it. */
export type MarkerSink = Pick<BridgeInput, 'section' | 'lyricLine' | 'clearLyrics'> & { clearSections?(): void }

/** A DAW time (in the dialect's unit) to song seconds; null while it cannot convert (tempo unknown). */
export type ToSeconds = (t: number) => Seconds | null

type Slot = { name?: string; start?: number; length?: number; end?: number }

export type MarkerSyncOptions = {
  /** Names starting with one of these carry lyrics (case-insensitive), default ['lyric:'] */
  lyricPrefixes?: string[]
  /** Markers start sections when there are no regions, default true */
  markersAsSections?: boolean
  /** Coalesce bursts of marker messages for this long before telling the bridge, default 100 ms */
  debounceMs?: number
  /** Called after each change that reached the bridge, with what the DAW now defines */
  onSync?: (sections: SectionSpan[], lyrics: LyricLine[]) => void
}

const defaults = { lyricPrefixes: ['lyric:'], markersAsSections: true, debounceMs: 100, onSync: (_s: SectionSpan[], _l: LyricLine[]) => {} }

/** Marker, region and cue state of one DAW, synced to the bridge. */
export class MarkerSync {
  private readonly regions = new Map<string, Slot>()
  private markers = new Map<string, Slot>()
  private readonly o: Required<MarkerSyncOptions>
  private timer: ReturnType<typeof setTimeout> | null = null
  private sentSections: SectionSpan[] = []
  private sentLyrics: LyricLine[] = []

  constructor(
    private readonly sink: MarkerSink,
    private readonly toSeconds: ToSeconds,
    options: MarkerSyncOptions = {},
  ) {
    this.o = { ...defaults, ...(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as MarkerSyncOptions) }
  }

  /** Sets one field of a region slot. */
  region(slot: string, field: 'name' | 'start' | 'length' | 'end', value: string | number): void {
    this.update(this.regions, slot, field, value)
  }

  /** Sets one field of a marker slot. */
  marker(slot: string, field: 'name' | 'start', value: string | number): void {
    this.update(this.markers, slot, field, value)
  }

  /** Replaces all markers (AbletonOSC sends its cue points as one list). */
  cues(list: { name: string; time: number }[]): void {
    const next = new Map(list.map((c, i) => [String(i), { name: c.name, start: c.time }]))
    if (JSON.stringify([...next]) === JSON.stringify([...this.markers])) return
    this.markers = next
    this.schedule()
  }

  /** The conversion from DAW time changed (a new tempo): re-derive. */
  retime(): void {
    if (this.regions.size > 0 || this.markers.size > 0) this.schedule()
  }

  /** Derives sections and lyrics now and sends what changed. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const derived = this.derive()
    if (!derived) return
    const sectionsChanged = this.sendSections(derived.sections)
    const lyricsChanged = this.sendLyrics(derived.lyrics)
    if (sectionsChanged || lyricsChanged) this.o.onSync(derived.sections, derived.lyrics)
  }

  /** Cancels a pending flush. */
  close(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private update(map: Map<string, Slot>, slot: string, field: keyof Slot, value: string | number): void {
    const s = map.get(slot) ?? {}
    if (s[field] === value) return
    ;(s as Record<string, unknown>)[field] = value
    map.set(slot, s)
    this.schedule()
  }

  private schedule(): void {
    if (this.timer) return
    this.timer = setTimeout(() => this.flush(), this.o.debounceMs)
    this.timer.unref?.()
  }

  private lyricText(name: string): string | null {
    const lower = name.toLowerCase()
    const prefix = this.o.lyricPrefixes.find((p) => lower.startsWith(p.toLowerCase()))
    return prefix === undefined ? null : name.slice(prefix.length).trim()
  }

  private derive(): { sections: SectionSpan[]; lyrics: LyricLine[] } | null {
    const lyricLines: RawLine[] = []
    const regionSections: RawSection[] = []
    const markerSections: RawSection[] = []
    for (const r of this.regions.values()) {
      if (r.start === undefined) continue
      const startS = this.toSeconds(r.start)
      const endRaw = r.end ?? (r.length !== undefined ? r.start + r.length : undefined)
      if (endRaw === undefined || !(endRaw > r.start)) continue // an empty slot
      const endS = this.toSeconds(endRaw)
      if (startS === null || endS === null) return null
      const lyric = this.lyricText(r.name ?? '')
      if (lyric !== null) lyricLines.push({ start: startS, end: endS, text: lyric })
      else regionSections.push({ start: startS, end: endS, name: r.name ?? '' })
    }
    for (const m of this.markers.values()) {
      if (m.start === undefined || !m.name) continue // unnamed markers and empty slots carry nothing
      const at = this.toSeconds(m.start)
      if (at === null) return null
      const lyric = this.lyricText(m.name)
      if (lyric !== null) lyricLines.push({ start: at, text: lyric })
      else markerSections.push({ start: at, name: m.name })
    }
    const raw = regionSections.length > 0 ? regionSections : this.o.markersAsSections ? markerSections : []
    return { sections: finishSections(raw, { source: 'daw' }), lyrics: finishLines(lyricLines) }
  }

  /** Sends what changed; true when anything did. */
  private sendSections(next: SectionSpan[]): boolean {
    const key = (s: SectionSpan) => `${s.start}|${s.end}|${s.name}`
    const sent = new Set(this.sentSections.map(key))
    const now = new Set(next.map(key))
    const changed = next.length !== this.sentSections.length || next.some((s) => !sent.has(key(s)))
    const removed = this.sentSections.some((s) => !now.has(key(s)))
    if (removed && this.sink.clearSections) {
      this.sink.clearSections()
      for (const s of next) this.sink.section(s)
    } else {
      for (const s of next) if (!sent.has(key(s))) this.sink.section(s)
    }
    this.sentSections = next
    return changed
  }

  private sendLyrics(next: LyricLine[]): boolean {
    const key = (l: LyricLine) => `${l.start}|${l.end}|${l.text}`
    const sent = new Set(this.sentLyrics.map(key))
    const now = new Set(next.map(key))
    const changed = next.length !== this.sentLyrics.length || next.some((l) => !sent.has(key(l)))
    if (this.sentLyrics.some((l) => !now.has(key(l)))) {
      this.sink.clearLyrics()
      for (const l of next) this.sink.lyricLine(l)
    } else {
      for (const l of next) if (!sent.has(key(l))) this.sink.lyricLine(l)
    }
    this.sentLyrics = next
    return changed
  }
}
