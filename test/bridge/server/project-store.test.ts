import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
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
