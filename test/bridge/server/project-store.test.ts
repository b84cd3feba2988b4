import { spawnSync } from 'node:child_process'
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { applyRecords, ProjectLockedError, ProjectStore, type ProjectState } from '../../../bridge/server/project-store.js'
import { sameStart } from '../../../bridge/stream/live-timeline.js'
import { tempDataDir } from '../../integration/live-helpers.js'

const empty = (): ProjectState => ({ schema: 'emolane.project/1', hop: 0.5, model: 'm@1', frames: [], lyrics: [], sections: [], tempo: null, audio: [] })
const dirs: { remove: () => void }[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))
const fresh = () => {
  const d = tempDataDir()
  dirs.push(d)
  return d.dir
}

test('persisted audio reads back sample for sample after a reopen', () => {
  const dir = fresh()
  const store = new ProjectStore(dir, 'song')
  store.open(empty(), sameStart)
  const samples = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i))
  store.writeAudio(16000, samples)
  store.syncAudio([[16000, 17000]])
  store.close()
  const again = new ProjectStore(dir, 'song')
  const { state } = again.open(empty(), sameStart)
  expect(state.audio).toEqual([[16000, 17000]])
  expect(Array.from(again.readAudio(16000, 17000))).toEqual(Array.from(samples))
  again.close()
})

test('a project held by a live process is refused; one left by a dead process is taken over', () => {
  const dir = fresh()
  const a = new ProjectStore(dir, 'song')
  a.open(empty(), sameStart)
  // another live process: pretend the lock is our parent's
  writeFileSync(join(dir, 'song', 'lock'), String(process.ppid))
  expect(() => new ProjectStore(dir, 'song').open(empty(), sameStart)).toThrow(ProjectLockedError)
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString()
  writeFileSync(join(dir, 'song', 'lock'), dead)
  const b = new ProjectStore(dir, 'song')
  expect(() => b.open(empty(), sameStart)).not.toThrow()
  b.close()
})

test('replaying records: newer frames replace older at the same time, invalidation drops, lyrics at the same start replace', () => {
  const frame = (t: number, valence: number) => ({ t, valence }) as unknown as ProjectState['frames'][number]
  const s = empty()
  applyRecords(
    s,
    [
      { k: 'frames', frames: [frame(0, 0.1), frame(0.5, 0.2), frame(1, 0.3)] },
      { k: 'invalidate', start: 0.5, end: 0.75 },
      { k: 'frames', frames: [frame(1, 0.9)] },
      { k: 'lyric', line: { start: 1, end: 2, text: 'old' } },
      { k: 'lyric', line: { start: 1, end: 2.5, text: 'new' } },
      { k: 'tempo', bpm: 90 },
    ],
    sameStart,
  )
  expect(s.frames.map((f) => [f.t, f.valence])).toEqual([
    [0, 0.1],
    [1, 0.9],
  ])
  expect(s.lyrics.map((l) => l.text)).toEqual(['new'])
  expect(s.tempo).toBe(90)
})

test('replaying tempo records rebuilds the tempo map; older records without a time keep only the tempo', () => {
  const s = empty()
  applyRecords(
    s,
    [
      { k: 'tempo', bpm: 100 },
      { k: 'tempo', bpm: 120, time: 0 },
      { k: 'tempo', bpm: 90, time: 10 },
      { k: 'tempo', bpm: 95, time: 10.0004 },
      { k: 'tempo', bpm: 140, time: 30 },
    ],
    sameStart,
  )
  expect(s.tempoMap).toEqual([
    { time: 0, bpm: 120 },
    { time: 10.0004, bpm: 95 },
    { time: 30, bpm: 140 },
  ])
  expect(s.tempo).toBe(140)
  const old = empty()
  applyRecords(old, [{ k: 'tempo', bpm: 90 }], sameStart)
  expect(old.tempo).toBe(90)
  expect(old.tempoMap).toBeUndefined()
})

const reading = { valence: 0.1, arousal: -0.2, polarity: [0.2, 0.3, 0.5], label: 'positive', confidence: 0.4 }
const frame = (t: number) => ({ ...reading, t, start: t - 3, end: t + 3, audio: reading, lyrics: null })

test('malformed records of valid JSON are skipped with their file and line, and the project still opens with the rest', () => {
  const dir = fresh()
  const project = join(dir, 'song')
  mkdirSync(project, { recursive: true })
  const lines = [
    { k: 'frames', frames: [frame(3), frame(3.5)] },
    { k: 'frames', frames: 5 },
    { k: 'lyric', line: null },
    { k: 'audio', start: 0, end: 1e12 },
    { k: 'lyric', line: { start: 1, end: 2, text: 'kept' } },
    { k: 'frames', frames: [{ ...frame(4), valence: 'high' }] },
    { k: 'section', span: { start: 0, end: 8, name: 'verse', source: 'daw' } },
    { k: 'nonsense' },
  ]
  writeFileSync(join(project, 'journal-0.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
  const store = new ProjectStore(dir, 'song')
  const { state, problems } = store.open(empty(), sameStart)
  expect(state.frames.map((f) => f.t)).toEqual([3, 3.5])
  expect(state.lyrics.map((l) => l.text)).toEqual(['kept'])
  expect(state.sections.map((s) => s.name)).toEqual(['verse'])
  expect(state.audio).toEqual([])
  const journal = join(project, 'journal-0.jsonl')
  expect(problems).toEqual([
    `${journal}:2: frames record: frames must be an array, got 5, skipped`,
    `${journal}:3: a lyric line must be an object, got null, skipped`,
    `${journal}:4: audio end must be a sample index after start, at most 1382400000 (24 h), got 1000000000000, skipped`,
    `${journal}:6: frames record: frame 0: frame.valence must be a finite number, got "high", skipped`,
    `${journal}:8: record kind k must be frames, invalidate, lyric, lyrics-clear, section, sections-clear, tempo, audio or reset, got "nonsense", skipped`,
  ])
  store.close()
})

test('a snapshot whose frames is not a list is set aside, and single bad entries of a good one are dropped by index', () => {
  const dir = fresh()
  const project = join(dir, 'song')
  mkdirSync(project, { recursive: true })
  writeFileSync(join(project, 'snapshot.json'), JSON.stringify({ generation: 0, state: { ...empty(), frames: 'x' } }))
  writeFileSync(join(project, 'journal-0.jsonl'), JSON.stringify({ k: 'frames', frames: [frame(1)] }) + '\n')
  const store = new ProjectStore(dir, 'song')
  const first = store.open(empty(), sameStart)
  expect(first.state.frames.map((f) => f.t)).toEqual([1])
  expect(first.problems.join('\n')).toMatch(/snapshot\.json is damaged \(state\.frames must be an array, got "x"\); set aside as snapshot\.damaged-/)
  expect(first.problems.at(-1)).toMatch(/rebuilt from journal-0\.jsonl: 1 frames, 0 lyric lines, 0 sections and 0\.0 s of audio recovered; nothing saved is missing/)
  store.close()
  const state = { ...empty(), frames: [frame(1), { t: 2 }], lyrics: [{ start: 5, end: 4, text: 'backwards' }] }
  writeFileSync(join(project, 'snapshot.json'), JSON.stringify({ generation: 9, state }))
  const again = new ProjectStore(dir, 'song')
  const second = again.open(empty(), sameStart)
  expect(second.state.frames.map((f) => f.t)).toEqual([1])
  expect(second.state.lyrics).toEqual([])
  expect(second.problems).toEqual([
    expect.stringMatching(/snapshot\.json: frame 1: frame\.start must be a finite time, got undefined, skipped$/),
    expect.stringMatching(/snapshot\.json: lyric line 0: line\.end must be a finite time >= start, got 4, skipped$/),
  ])
  again.close()
})

test('an emptied audio.f32 is reported and its audio is not re-analysed as silence', () => {
  const dir = fresh()
  const store = new ProjectStore(dir, 'song')
  store.open(empty(), sameStart)
  store.writeAudio(0, new Float32Array(32000).fill(0.5))
  store.syncAudio([[0, 32000]])
  store.close()
  truncateSync(join(dir, 'song', 'audio.f32'), 16000 * 4)
  const half = new ProjectStore(dir, 'song')
  const cut = half.open(empty(), sameStart)
  expect(cut.state.audio).toEqual([[0, 16000]])
  expect(cut.problems).toEqual([expect.stringMatching(/audio\.f32 holds 1\.0 s but the project lists audio up to 2\.0 s: the audio past 1\.0 s is gone/)])
  half.close()
  truncateSync(join(dir, 'song', 'audio.f32'), 0)
  const emptied = new ProjectStore(dir, 'song')
  const none = emptied.open(empty(), sameStart)
  expect(none.state.audio).toEqual([])
  expect(none.problems).toEqual([expect.stringMatching(/audio\.f32 is empty or missing but the project lists audio up to 2\.0 s: that audio is gone/)])
  emptied.close()
})
