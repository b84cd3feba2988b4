import { appendFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { Journal } from '../../../bridge/server/journal.js'
import { tempDataDir } from '../../integration/live-helpers.js'

type S = { items: number[] }
type R = { add: number }

const dirs: { remove: () => void }[] = []
const fresh = () => {
  const d = tempDataDir()
  dirs.push(d)
  return d.dir
}
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

describe('Journal', () => {
  test('records appended before a crash are read back', () => {
    const dir = fresh()
    const j = new Journal<S, R>(dir)
    expect(j.load()).toEqual({ snapshot: null, records: [], problems: [] })
    j.append([{ add: 1 }, { add: 2 }])
    j.append([{ add: 3 }])
    // no close(): as after kill -9
    expect(new Journal<S, R>(dir).load().records).toEqual([{ add: 1 }, { add: 2 }, { add: 3 }])
  })

  test('append returns with the records written and fsyncs them on the pool afterwards: synced() resolves once they are on disk', async () => {
    const dir = fresh()
    const j = new Journal<S, R>(dir)
    j.load()
    for (let i = 0; i < 50; i++) j.append([{ add: i }])
    // readable by another process at once (what a kill -9 leaves), before any fsync finished
    expect(new Journal<S, R>(dir).load().records).toHaveLength(50)
    let done = false
    const synced = j.synced().then(() => (done = true))
    expect(done).toBe(false)
    await synced
    expect(done).toBe(true)
    j.append([{ add: 50 }])
    j.close() // fsyncs what is pending; a later synced() resolves at once
    await j.synced()
    expect(new Journal<S, R>(dir).load().records).toHaveLength(51)
  })

  test('a torn last record is dropped with a note, and the next append does not glue onto it', () => {
    const dir = fresh()
    const j = new Journal<S, R>(dir)
    j.load()
    j.append([{ add: 1 }])
    appendFileSync(join(dir, 'journal-0.jsonl'), '{"add": 2') // the write kill -9 interrupted
    const k = new Journal<S, R>(dir)
    const loaded = k.load()
    expect(loaded.records).toEqual([{ add: 1 }])
    expect(loaded.problems[0]).toMatch(/torn last record/)
    k.append([{ add: 3 }])
    expect(new Journal<S, R>(dir).load().records).toEqual([{ add: 1 }, { add: 3 }])
  })

  test('compaction leaves a snapshot and an empty journal; later records follow it', () => {
    const dir = fresh()
    const j = new Journal<S, R>(dir)
    j.load()
    j.append([{ add: 1 }, { add: 2 }])
    j.compact({ items: [1, 2] })
    j.append([{ add: 3 }])
    expect(readdirSync(dir).sort()).toEqual(['journal-1.jsonl', 'snapshot.json'])
    const loaded = new Journal<S, R>(dir).load()
    expect(loaded.snapshot).toEqual({ items: [1, 2] })
    expect(loaded.records).toEqual([{ add: 3 }])
  })

  test('a compaction interrupted before its rename keeps the old snapshot and journal', () => {
    const dir = fresh()
    const j = new Journal<S, R>(dir)
    j.load()
    j.append([{ add: 1 }])
    // what a crash between creating the new journal/tmp snapshot and the rename leaves behind
    writeFileSync(join(dir, 'journal-1.jsonl'), '')
    writeFileSync(join(dir, 'snapshot.json.tmp'), '{"generation":1,"state":{"items":[9]}}')
    const loaded = new Journal<S, R>(dir).load()
    expect(loaded.snapshot).toBeNull()
    expect(loaded.records).toEqual([{ add: 1 }])
    expect(existsSync(join(dir, 'snapshot.json.tmp'))).toBe(false)
    expect(existsSync(join(dir, 'journal-1.jsonl'))).toBe(false)
  })
})
