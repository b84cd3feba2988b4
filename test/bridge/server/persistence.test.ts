import { readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import type { Frame } from '../../../bridge/analysis/types.js'
import { TimelinePersistence } from '../../../bridge/server/persistence.js'
import { LiveTimeline } from '../../../bridge/stream/live-timeline.js'
import { tempDataDir } from '../../integration/live-helpers.js'

const dirs: { remove: () => void }[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

const timeline = () => new LiveTimeline({ sampleRate: 16000, window: 6, hop: 0.5, maxDuration: 600, maxLyricLines: 100, maxSections: 100, keepUpPending: 4 })

function persisted(dataDir: string, model = 'm@1'): { timeline: LiveTimeline; persistence: TimelinePersistence; problems: string[] } {
  const t = timeline()
  const problems: string[] = []
  const persistence = new TimelinePersistence(t, { dataDir, project: 'song', persistAudio: false, audioSyncMs: 1000, hop: 0.5, model, problem: (m) => problems.push(m) })
  problems.push(...persistence.open().problems)
  return { timeline: t, persistence, problems }
}

const MAP = [
  { time: 0, bpm: 120 },
  { time: 10, bpm: 90 },
]

test('tempo changes survive a restart from the journal alone (killed, no clean exit) and from the snapshot', () => {
  const data = tempDataDir()
  dirs.push(data)
  const first = persisted(data.dir)
  first.timeline.setTempo(120)
  first.timeline.seek(10, 0)
  first.timeline.setTempo(90)
  // no close(): as after kill -9, only the journal holds the changes
  const second = persisted(data.dir)
  expect(second.problems).toEqual([])
  expect(second.timeline.tempoMap).toEqual(MAP)
  expect(second.timeline.transport.tempo).toBe(90)
  second.persistence.close() // compacts into snapshot.json
  const third = persisted(data.dir)
  expect(third.timeline.tempoMap).toEqual(MAP)
  third.persistence.close()
})

test('a project saved before tempo maps (no tempoMap in the snapshot, tempo records without a time) still loads', () => {
  const data = tempDataDir()
  dirs.push(data)
  const dir = join(data.dir, 'song')
  const { timeline: t, persistence } = persisted(data.dir)
  persistence.close()
  writeFileSync(join(dir, 'snapshot.json'), JSON.stringify({ generation: 7, state: { schema: 'emolane.project/1', hop: 0.5, model: 'm@1', frames: [], lyrics: [], sections: [], tempo: 96, audio: [] } }))
  writeFileSync(join(dir, 'journal-7.jsonl'), JSON.stringify({ k: 'tempo', bpm: 100 }) + '\n')
  expect(t.tempoMap).toEqual([])
  const again = persisted(data.dir)
  expect(again.problems).toEqual([])
  expect(again.timeline.transport.tempo).toBe(100)
  expect(again.timeline.tempoMap).toEqual([])
  // a tempo message from now on starts the map
  again.timeline.setTempo(110)
  expect(again.timeline.tempoMap).toEqual([{ time: 0, bpm: 110 }])
  again.persistence.close()
})

const reading = { valence: 0.25, arousal: -0.5, polarity: [0.25, 0.25, 0.5] as [number, number, number], label: 'positive' as const, confidence: 0.5 }
const frame = (t: number): Frame => ({ ...reading, t, start: t - 3, end: t + 3, audio: reading, lyrics: null })

/** What the bridge does with newly analysed frames: the timeline keeps them, the journal gets them. */
function analysed(p: ReturnType<typeof persisted>, times: number[]): void {
  const frames = times.map(frame)
  p.timeline.putFrames(frames.map((f) => [p.timeline.indexOf(f.t)!, f]))
  p.persistence.frames(frames)
}

describe('a damaged or missing snapshot.json loses nothing the feed had shown', () => {
  test.each([
    ['5 flipped bytes', (path: string) => {
      const bytes = readFileSync(path)
      for (const at of [30, 200, 400, 600, bytes.length - 5]) bytes[at] ^= 0x5a
      writeFileSync(path, bytes)
    }],
    ['truncated', (path: string) => truncateSync(path, statSync(path).size >> 1)],
    ['deleted', (path: string) => rmSync(path)],
    ['valid JSON of the wrong shape', (path: string) => writeFileSync(path, JSON.stringify({ generation: 1, state: { frames: 'x' } }))],
  ])('%s', (_, damage) => {
    const data = tempDataDir()
    dirs.push(data)
    const first = persisted(data.dir)
    analysed(first, [0, 0.5, 1, 1.5])
    first.timeline.addLyric({ start: 0, end: 2, text: 'first line' }, 0)
    first.timeline.addSpan({ start: 0, end: 8, name: 'intro', source: 'daw' }, 0)
    first.persistence.close() // a clean exit: snapshot.json, generation 1
    const second = persisted(data.dir)
    analysed(second, [2, 2.5, 3])
    second.timeline.addLyric({ start: 2, end: 4, text: 'second line' }, 0)
    second.timeline.addSpan({ start: 8, end: 16, name: 'verse', source: 'daw' }, 0)
    // no close (as after kill -9): journal-1 holds these
    const shown = { frames: second.timeline.frameList(), lyrics: second.timeline.lyrics, sections: second.timeline.spans }
    expect(shown.frames).toHaveLength(7)

    damage(join(data.dir, 'song', 'snapshot.json'))
    const third = persisted(data.dir)
    expect(third.timeline.frameList()).toEqual(shown.frames)
    expect(third.timeline.lyrics).toEqual(shown.lyrics)
    expect(third.timeline.spans).toEqual(shown.sections)
    expect(third.problems.at(-1)).toBe(`project song: rebuilt from snapshot-1.json, journal-1.jsonl: 7 frames, 2 lyric lines, 2 sections and 0.0 s of audio recovered; nothing saved is missing`)
    // the clean exit after the recovery writes the whole state, not an empty one
    third.persistence.close()
    const fourth = persisted(data.dir)
    expect(fourth.problems).toEqual([])
    expect(fourth.timeline.frameList()).toEqual(shown.frames)
    expect(fourth.timeline.lyrics).toEqual(shown.lyrics)
    fourth.persistence.close()
  })
})

test("frames made by another model are not restored but re-analysed, and the new model's frames are kept from then on", () => {
  const data = tempDataDir()
  dirs.push(data)
  const first = persisted(data.dir, 'emolane-studio@0.1.0')
  analysed(first, [0, 0.5])
  first.persistence.close()
  expect(persisted(data.dir, 'emolane-studio@0.1.0').timeline.frameList()).toHaveLength(2) // same model: kept

  const second = persisted(data.dir, 'emolane-studio@0.2.0')
  expect(second.problems).toEqual(['project frames were made by the model emolane-studio@0.1.0, this bridge runs emolane-studio@0.2.0: they are re-analysed from the stored audio'])
  expect(second.timeline.frameList()).toEqual([])
  analysed(second, [1])
  // no close(), as after kill -9: the frames in the journal belong to the new model and come back
  const third = persisted(data.dir, 'emolane-studio@0.2.0')
  expect(third.problems).toEqual([])
  expect(third.timeline.frameList().map((f) => f.t)).toEqual([1])
  third.persistence.close()
})
