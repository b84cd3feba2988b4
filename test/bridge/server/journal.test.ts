import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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
    expect(j.load()).toEqual({ snapshot: null, records: [], problems: [], recovery: null })
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

  test('compaction leaves a snapshot and an empty journal, keeping one generation back; later records follow it', () => {
    const dir = fresh()
    const j = new Journal<S, R>(dir)
    j.load()
    j.append([{ add: 1 }, { add: 2 }])
    j.compact({ items: [1, 2] })
    j.append([{ add: 3 }])
    expect(readdirSync(dir).sort()).toEqual(['journal-0.jsonl', 'journal-1.jsonl', 'snapshot-1.json', 'snapshot.json'])
    const loaded = new Journal<S, R>(dir).load()
    expect(loaded.snapshot).toEqual({ items: [1, 2] })
    expect(loaded.records).toEqual([{ add: 3 }])
    expect(loaded.recovery).toBeNull()
    j.compact({ items: [1, 2, 3] })
    // the new snapshot's copy, and the previous one with the journals from its generation on; older ones go
    expect(readdirSync(dir).sort()).toEqual(['journal-1.jsonl', 'journal-2.jsonl', 'snapshot-1.json', 'snapshot-2.json', 'snapshot.json'])
  })

  test('snapshot.json carries a sha256 of its generation and state', () => {
    const dir = fresh()
    const j = new Journal<S, R>(dir)
    j.load()
    j.compact({ items: [7] })
    const text = readFileSync(join(dir, 'snapshot.json'), 'utf8')
    expect(text).toMatch(/^\{"generation":1,"sha256":"[0-9a-f]{64}","state":\{"items":\[7\]\}\}$/)
    // one digit changed, still valid JSON: caught by the checksum, set aside, rebuilt from the copy
    writeFileSync(join(dir, 'snapshot.json'), text.replace('[7]', '[8]'))
    const loaded = new Journal<S, R>(dir).load()
    expect(loaded.snapshot).toEqual({ items: [7] })
    expect(loaded.problems[0]).toMatch(/snapshot\.json is damaged \(its sha256 does not match.*set aside as snapshot\.damaged-.*\.json/)
    expect(loaded.recovery).toEqual({ from: ['snapshot-1.json', 'journal-1.jsonl'], lost: null })
    expect(readdirSync(dir).filter((n) => n.startsWith('snapshot.damaged-'))).toHaveLength(1)
  })

  test.each([
    ['flipped bytes', (t: string) => t.slice(0, 40) + 'XXXXX' + t.slice(45)],
    ['truncated', (t: string) => t.slice(0, t.length >> 1)],
    ['deleted', null],
    ['valid JSON of the wrong shape', () => '{"generation":2,"state":[1,2]}'],
  ] as const)('a %s snapshot.json loses nothing: its copy, or the previous snapshot and every journal after it, rebuild the state', (_, damage) => {
    const dir = fresh()
    const j = new Journal<S, R>(dir)
    j.load()
    j.append([{ add: 1 }])
    j.compact({ items: [1] })
    j.append([{ add: 2 }])
    j.compact({ items: [1, 2] })
    j.append([{ add: 3 }])
    j.close()
    const path = join(dir, 'snapshot.json')
    if (damage) writeFileSync(path, damage(readFileSync(path, 'utf8')))
    else rmSync(path)
    const loaded = new Journal<S, R>(dir).load()
    expect(loaded.snapshot).toEqual({ items: [1, 2] })
    expect(loaded.records).toEqual([{ add: 3 }])
    expect(loaded.recovery).toEqual({ from: ['snapshot-2.json', 'journal-2.jsonl'], lost: null })
    // with the copy damaged too, the previous snapshot and the journals after it
    writeFileSync(join(dir, 'snapshot-2.json'), 'garbage')
    const older = new Journal<S, R>(dir).load()
    expect(older.snapshot).toEqual({ items: [1] })
    expect(older.records).toEqual([{ add: 2 }, { add: 3 }])
    expect(older.recovery).toEqual({ from: ['snapshot-1.json', 'journal-1.jsonl', 'journal-2.jsonl'], lost: null })
    expect(loaded.problems.join('\n')).toMatch(damage ? /snapshot\.json is damaged/ : /snapshot\.json is missing/)
    // nothing was removed: the damaged file is set aside, every journal is still there
    expect(readdirSync(dir).filter((n) => n.startsWith('journal-')).sort()).toEqual(['journal-1.jsonl', 'journal-2.jsonl'])
    if (damage) expect(readdirSync(dir).some((n) => /^snapshot\.damaged-.*\.json$/.test(n))).toBe(true)
  })

  test('with no intact snapshot left, every journal present is replayed and what is missing is named', () => {
    const dir = fresh()
    writeFileSync(join(dir, 'snapshot.json'), 'garbage')
    writeFileSync(join(dir, 'journal-3.jsonl'), '{"add":4}\n')
    writeFileSync(join(dir, 'journal-5.jsonl'), '{"add":6}\n')
    const loaded = new Journal<S, R>(dir).load()
    expect(loaded.records).toEqual([{ add: 4 }, { add: 6 }])
    expect(loaded.recovery?.from).toEqual(['journal-3.jsonl', 'journal-5.jsonl'])
    expect(loaded.recovery?.lost).toMatch(/before journal-3\.jsonl.*journal-4\.jsonl \(missing\)/)
    expect(existsSync(join(dir, 'journal-3.jsonl'))).toBe(true)
  })

  test('a record of valid JSON that fails the check is skipped and reported with its file and line', () => {
    const dir = fresh()
    writeFileSync(join(dir, 'journal-0.jsonl'), '{"add":1}\n{"add":"x"}\n[1]\n{"add":2}\n')
    const loaded = new Journal<S, R>(dir, { record: (r) => (typeof (r as R).add === 'number' ? null : 'add must be a number') }).load()
    expect(loaded.records).toEqual([{ add: 1 }, { add: 2 }])
    expect(loaded.problems).toEqual([expect.stringMatching(/journal-0\.jsonl:2: add must be a number, skipped$/), expect.stringMatching(/journal-0\.jsonl:3: expected a JSON object, skipped$/)])
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
