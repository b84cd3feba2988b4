/**
 * Checks of what a project holds on disk (snapshot state and journal records) before it reaches the
 * timeline: a record of valid JSON but the wrong shape is skipped and reported, never replayed.
 */
import { POLARITY_LABELS } from '../analysis/types.js'

/** Longest audio index a project may claim: 24 h of 16 kHz samples. */
export const MAX_AUDIO_SAMPLES = 24 * 3600 * 16000

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
/** A short description of a wrong value (never the whole of it). */
const shown = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v.slice(0, 20)) + (v.length > 20 ? '...' : '') : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v))
const need = (ok: boolean, what: string, v: unknown): string | null => (ok ? null : `${what}, got ${shown(v)}`)
const firstOf = (...checks: (() => string | null)[]): string | null => {
  for (const c of checks) {
    const wrong = c()
    if (wrong) return wrong
  }
  return null
}

/** Song times: finite, from 0, end not before start. */
function span(o: Obj, what: string): string | null {
  return firstOf(
    () => need(finite(o.start) && o.start >= 0, `${what}.start must be a finite time >= 0`, o.start),
    () => need(finite(o.end) && o.end >= (o.start as number), `${what}.end must be a finite time >= start`, o.end),
  )
}

function reading(r: unknown, what: string): string | null {
  if (!isObj(r)) return need(false, `${what} must be an object`, r)
  return firstOf(
    () => need(finite(r.valence), `${what}.valence must be a finite number`, r.valence),
    () => need(finite(r.arousal), `${what}.arousal must be a finite number`, r.arousal),
    () => need(Array.isArray(r.polarity) && r.polarity.length === 3 && r.polarity.every(finite), `${what}.polarity must be 3 finite numbers`, r.polarity),
    () => need((POLARITY_LABELS as readonly unknown[]).includes(r.label), `${what}.label must be one of ${POLARITY_LABELS.join(', ')}`, r.label),
    () => need(finite(r.confidence), `${what}.confidence must be a finite number`, r.confidence),
  )
}

/** What is wrong with one analysed frame, or null. */
export function frameProblem(f: unknown): string | null {
  if (!isObj(f)) return need(false, 'a frame must be an object', f)
  return firstOf(
    () => need(finite(f.t) && f.t >= 0, 'frame.t must be a finite time >= 0', f.t),
    // a window may reach before the song's zero
    () => need(finite(f.start), 'frame.start must be a finite time', f.start),
    () => need(finite(f.end) && f.end >= (f.start as number), 'frame.end must be a finite time >= start', f.end),
    () => reading(f, 'frame'),
    () => reading(f.audio, 'frame.audio'),
    () => (f.lyrics === null ? null : reading(f.lyrics, 'frame.lyrics')),
  )
}

/** What is wrong with one lyric line, or null. */
export function lyricProblem(l: unknown): string | null {
  if (!isObj(l)) return need(false, 'a lyric line must be an object', l)
  return firstOf(
    () => span(l, 'line'),
    () => need(typeof l.text === 'string', 'line.text must be a string', l.text),
    () => (l.words === undefined ? null : need(Array.isArray(l.words) && l.words.every((w) => isObj(w) && span(w, 'word') === null && typeof w.text === 'string'), 'line.words must be timed words', l.words)),
  )
}

/** What is wrong with one section span, or null. */
export function sectionProblem(s: unknown): string | null {
  if (!isObj(s)) return need(false, 'a section must be an object', s)
  return firstOf(
    () => span(s, 'section'),
    () => need(typeof s.name === 'string', 'section.name must be a string', s.name),
    () => need(s.source === 'daw' || s.source === 'file' || s.source === 'detected', 'section.source must be daw, file or detected', s.source),
  )
}

function tempoPointProblem(p: unknown): string | null {
  if (!isObj(p)) return need(false, 'a tempo change must be an object', p)
  return firstOf(
    () => need(finite(p.bpm) && p.bpm > 0, 'bpm must be a positive number', p.bpm),
    () => need(finite(p.time) && p.time >= 0, 'time must be a finite time >= 0', p.time),
  )
}

/** A sample range [start, end) of the 16 kHz audio index. */
function audioRangeProblem(start: unknown, end: unknown): string | null {
  return firstOf(
    () => need(Number.isInteger(start) && (start as number) >= 0, 'audio start must be a sample index >= 0', start),
    () => need(Number.isInteger(end) && (end as number) > (start as number) && (end as number) <= MAX_AUDIO_SAMPLES, `audio end must be a sample index after start, at most ${MAX_AUDIO_SAMPLES} (24 h)`, end),
  )
}

/** What is wrong with one journal record, or null. */
export function recordProblem(r: unknown): string | null {
  if (!isObj(r)) return need(false, 'a record must be an object', r)
  switch (r.k) {
    case 'frames': {
      if (!Array.isArray(r.frames)) return need(false, 'frames record: frames must be an array', r.frames)
      const bad = r.frames.findIndex((f) => frameProblem(f) !== null)
      return bad < 0 ? null : `frames record: frame ${bad}: ${frameProblem(r.frames[bad])}`
    }
    case 'invalidate':
      return firstOf(() => need(finite(r.start), 'invalidate.start must be a finite time', r.start), () => need(finite(r.end), 'invalidate.end must be a finite time', r.end))
    case 'lyric':
      return lyricProblem(r.line)
    case 'section':
      return sectionProblem(r.span)
    case 'tempo':
      return firstOf(() => need(finite(r.bpm) && r.bpm > 0, 'tempo.bpm must be a positive number', r.bpm), () => (r.time === undefined ? null : need(finite(r.time) && r.time >= 0, 'tempo.time must be a finite time >= 0', r.time)))
    case 'audio':
      return audioRangeProblem(r.start, r.end)
    case 'lyrics-clear':
    case 'sections-clear':
    case 'reset':
      return null
    default:
      return need(false, 'record kind k must be frames, invalidate, lyric, lyrics-clear, section, sections-clear, tempo, audio or reset', r.k)
  }
}

/**
 * Checks a snapshot's state: a wrong shape as a whole (frames not a list, say) is returned as the
 * reason to set the snapshot aside; single bad entries are dropped from it and passed to `skipped`.
 */
export function checkProjectState(state: unknown, skipped: (what: string) => void): string | null {
  if (!isObj(state)) return need(false, 'state must be an object', state)
  const wrong = firstOf(
    () => need(finite(state.hop) && state.hop > 0, 'state.hop must be a positive number of seconds', state.hop),
    () => need(state.tempo === null || (finite(state.tempo) && state.tempo > 0), 'state.tempo must be null or a positive number', state.tempo),
    ...(['frames', 'lyrics', 'sections', 'audio'] as const).map((key) => () => need(Array.isArray(state[key]), `state.${key} must be an array`, state[key])),
    () => need(state.tempoMap === undefined || Array.isArray(state.tempoMap), 'state.tempoMap must be an array', state.tempoMap),
  )
  if (wrong) return wrong
  const keep = (key: 'frames' | 'lyrics' | 'sections' | 'tempoMap' | 'audio', what: string, problem: (v: unknown) => string | null): void => {
    const list = state[key] as unknown[] | undefined
    if (!list) return
    state[key] = list.filter((v, i) => {
      const p = problem(v)
      if (p) skipped(`${what} ${i}: ${p}`)
      return p === null
    })
  }
  keep('frames', 'frame', frameProblem)
  keep('lyrics', 'lyric line', lyricProblem)
  keep('sections', 'section', sectionProblem)
  keep('tempoMap', 'tempo change', tempoPointProblem)
  keep('audio', 'audio range', (r) => (Array.isArray(r) && r.length === 2 ? audioRangeProblem(r[0], r[1]) : need(false, 'an audio range must be [start, end]', r)))
  return null
}
