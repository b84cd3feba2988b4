import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { TimelinePersistence } from '../../../bridge/server/persistence.js'
import { LiveTimeline } from '../../../bridge/stream/live-timeline.js'
import { tempDataDir } from '../../integration/live-helpers.js'

const dirs: { remove: () => void }[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

const timeline = () => new LiveTimeline({ sampleRate: 16000, window: 6, hop: 0.5, maxDuration: 600, maxLyricLines: 100, maxSections: 100, keepUpPending: 4 })

function persisted(dataDir: string): { timeline: LiveTimeline; persistence: TimelinePersistence; problems: string[] } {
  const t = timeline()
  const problems: string[] = []
  const persistence = new TimelinePersistence(t, { dataDir, project: 'song', persistAudio: false, audioSyncMs: 1000, hop: 0.5, model: 'm@1', problem: (m) => problems.push(m) })
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
