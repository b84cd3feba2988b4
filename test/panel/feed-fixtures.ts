/** Builders for feed messages in tests: frames, sections, conflicts, lyrics and a whole snapshot. */
import type { Analysis, Conflict, Frame, LyricLine, MoodWord, PolarityLabel, PolarityProbs, Reading, Section } from '../../bridge/analysis/types.js'
import type { BridgeStatus, FeedMessage } from '../../bridge/server/protocol.js'

const probs = (label: PolarityLabel, sure = 0.8): PolarityProbs => {
  const rest = (1 - sure) / 2
  return label === 'negative' ? [sure, rest, rest] : label === 'neutral' ? [rest, sure, rest] : [rest, rest, sure]
}

/** A reading with the label its valence implies (±0.15 dead band) unless given. */
export function reading(valence: number, arousal = 0, label?: PolarityLabel, confidence = 0.6): Reading {
  const l = label ?? (valence > 0.15 ? 'positive' : valence < -0.15 ? 'negative' : 'neutral')
  return { valence, arousal, polarity: probs(l), label: l, confidence }
}

/** A frame at `t` (6 s window centred there). */
export function frame(t: number, valence: number, arousal = 0, opts: { confidence?: number; lyrics?: Reading | null; audio?: Reading } = {}): Frame {
  const r = reading(valence, arousal, undefined, opts.confidence ?? 0.6)
  return { ...r, t, start: t - 3, end: t + 3, audio: opts.audio ?? reading(valence * 0.8, arousal), lyrics: opts.lyrics === undefined ? null : opts.lyrics }
}

/** Frames every `hop` seconds over [from, to) following valence(t) and arousal(t). */
export function frames(from: number, to: number, hop: number, valence: (t: number) => number, arousal: (t: number) => number = () => 0): Frame[] {
  const out: Frame[] = []
  for (let t = from; t < to - 1e-9; t += hop) out.push(frame(Number(t.toFixed(3)), valence(t), arousal(t)))
  return out
}

/** A section with its aggregated reading; `words` carry its lyric mood. */
export function section(name: string, start: number, end: number, valence: number, label?: PolarityLabel, words: MoodWord[] = []): Section {
  const r = reading(valence, 0.2, label)
  return { name, start, end, source: 'file', ...r, audio: r, lyrics: { ...r, words }, frames: Math.round((end - start) * 2) }
}

/** A conflict: sad words over happy music by default. */
export function conflict(sectionName: string, start: number, end: number, over: Partial<Conflict> = {}): Conflict {
  return {
    section: sectionName,
    start,
    end,
    score: 0.72,
    lyrics: { label: 'negative', valence: -0.6, words: [{ word: 'goodbye', valence: -0.7, arousal: -0.2 }, { word: 'tears', valence: -0.8, arousal: 0.1 }] },
    music: { label: 'positive', valence: 0.5, arousal: 0.6, cues: { tempoBpm: 128, mode: 'major', key: 'D major', loudnessDb: -9.5, brightnessHz: 2400 } },
    explanation: 'The words say goodbye and tears, while the music is in D major at 128 bpm and bright.',
    ...over,
  }
}

/** A lyric line. */
export function line(start: number, end: number, text: string): LyricLine {
  return { start, end, text }
}

/** A bridge status. */
export function status(over: Partial<BridgeStatus> = {}): BridgeStatus {
  return {
    model: { name: 'emolane-wang2025', version: '0.1.0', preset: 'default', device: 'cpu', trained: true },
    clients: 1,
    transport: { playing: false, time: 0, tempo: 120 },
    pending: 0,
    coalesced: 0,
    keepingUp: true,
    latencyMs: 42,
    project: 'demo',
    ...over,
  }
}

/** A snapshot message holding `parts` of an analysis. */
export function snapshot(parts: Partial<Analysis> = {}, st: BridgeStatus = status()): FeedMessage {
  const fs = parts.frames ?? []
  const analysis: Analysis = {
    schema: 'emolane.analysis/1',
    source: 'live',
    model: { name: st.model.name, version: st.model.version, preset: st.model.preset, device: st.model.device },
    window: 6,
    hop: 0.5,
    duration: fs.length ? fs[fs.length - 1]!.end : 0,
    tempo: 120,
    frames: fs,
    sections: [],
    conflicts: [],
    lyrics: [],
    summary: { ...reading(0.1), audio: reading(0.1), lyrics: null },
    createdAt: '2025-01-01T00:00:00Z',
    ...parts,
  }
  return { type: 'snapshot', analysis, status: st }
}

/** Lyrics a hostile DAW or file could send: each must show as text, never as markup. */
export const HOSTILE_LYRICS = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 2">',
  '"><svg onload="window.__pwned=3">',
  '{{constructor.constructor("window.__pwned=4")()}}',
]

/** The demo song used by the panel tests: three sections, the chorus in conflict, lyrics. */
export function demoSong(): { frames: Frame[]; sections: Section[]; conflicts: Conflict[]; lyrics: LyricLine[] } {
  const valence = (t: number) => (t < 20 ? 0.5 : t < 40 ? -0.6 : 0.05)
  return {
    frames: frames(3, 57, 0.5, valence, (t) => Math.sin(t / 5) * 0.5),
    sections: [section('Verse', 0, 20, 0.5), section('Chorus', 20, 40, -0.6), section('Bridge', 40, 60, 0.0)],
    conflicts: [conflict('Chorus', 20, 40)],
    lyrics: [line(2, 6, 'Sunshine on my window'), line(21, 25, 'Say goodbye through tears'), line(30, 34, HOSTILE_LYRICS[1]!), line(41, 45, HOSTILE_LYRICS[0]!)],
  }
}
