/** A BridgeInput that records every call, for checking what a dialect or input source told the bridge. */
import type { LyricLine, SectionSpan } from '../../../bridge/analysis/types.js'
import type { AudioBlock, BridgeInput } from '../../../bridge/server/protocol.js'

export type Call =
  | { kind: 'audio'; block: AudioBlock }
  | { kind: 'lyricLine'; line: LyricLine }
  | { kind: 'clearLyrics' }
  | { kind: 'section'; span: SectionSpan }
  | { kind: 'clearSections' }
  | { kind: 'play' }
  | { kind: 'stop' }
  | { kind: 'seek'; time: number }
  | { kind: 'tempo'; bpm: number }

export class RecordingInput implements BridgeInput {
  calls: Call[] = []
  audio(block: AudioBlock): void {
    this.calls.push({ kind: 'audio', block })
  }
  lyricLine(line: LyricLine): void {
    this.calls.push({ kind: 'lyricLine', line })
  }
  clearLyrics(): void {
    this.calls.push({ kind: 'clearLyrics' })
  }
  section(span: SectionSpan): void {
    this.calls.push({ kind: 'section', span })
  }
  clearSections(): void {
    this.calls.push({ kind: 'clearSections' })
  }
  play(): void {
    this.calls.push({ kind: 'play' })
  }
  stop(): void {
    this.calls.push({ kind: 'stop' })
  }
  seek(time: number): void {
    this.calls.push({ kind: 'seek', time })
  }
  tempo(bpm: number): void {
    this.calls.push({ kind: 'tempo', bpm })
  }

  /** Calls other than audio, as short strings: 'play', 'seek 12', 'section Verse 0-20', ... */
  summary(): string[] {
    return this.calls.flatMap((c) => {
      switch (c.kind) {
        case 'audio':
          return []
        case 'seek':
          return [`seek ${+c.time.toFixed(3)}`]
        case 'tempo':
          return [`tempo ${+c.bpm.toFixed(3)}`]
        case 'section':
          return [`section ${c.span.name} ${+c.span.start.toFixed(3)}-${+c.span.end.toFixed(3)} ${c.span.source}`]
        case 'lyricLine':
          return [`lyric ${+c.line.start.toFixed(3)}-${+c.line.end.toFixed(3)} ${c.line.text}`]
        default:
          return [c.kind]
      }
    })
  }

  /** The timeline the calls describe: sections and lyrics after all clears, last transport state. */
  state(): { sections: SectionSpan[]; lyrics: LyricLine[]; playing: boolean; tempo: number | null } {
    let sections: SectionSpan[] = []
    let lyrics: LyricLine[] = []
    let playing = false
    let tempo: number | null = null
    for (const c of this.calls) {
      if (c.kind === 'section') sections.push(c.span)
      else if (c.kind === 'clearSections') sections = []
      else if (c.kind === 'lyricLine') lyrics.push(c.line)
      else if (c.kind === 'clearLyrics') lyrics = []
      else if (c.kind === 'play') playing = true
      else if (c.kind === 'stop') playing = false
      else if (c.kind === 'tempo') tempo = c.bpm
    }
    return { sections, lyrics, playing, tempo }
  }
}
