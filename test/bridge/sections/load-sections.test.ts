import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { FileFormatError, loadSections, parseSections } from '../../../bridge/sections/index.js'
import { fixture } from '../lyrics/fixture-path.js'

const spans = (s: { start: number; end: number; name: string }[]) => s.map((x) => [x.name, +x.start.toFixed(6), +x.end.toFixed(6)])

describe('section files', () => {
  test('REAPER region export in measures.beats, given the tempo: regions become sections, markers are ignored', async () => {
    const sections = await loadSections(fixture('sections/reaper-measures.csv'), { tempo: 120 })
    expect(spans(sections)).toEqual([
      ['Intro', 0, 8],
      ['Verse 1', 8, 24],
      ['Chorus', 24, 40],
    ])
    expect(sections.every((s) => s.source === 'file')).toBe(true)
  })

  test('REAPER measures.beats in 3/4 uses the beats per bar', () => {
    const csv = '#,Name,Start,End,Length\nR1,A,1.1.00,3.1.00,2.0.00\nR2,B,3.1.00,3.2.50,0.1.50\n'
    expect(spans(parseSections(csv, { tempo: 60, beatsPerBar: 3 }))).toEqual([
      ['A', 0, 6],
      ['B', 6, 7.5],
    ])
  })

  test('REAPER measures.beats without a tempo asks for one, naming the line', async () => {
    await expect(loadSections(fixture('sections/reaper-measures.csv'))).rejects.toThrow(/reaper-measures\.csv: line 2: start "1\.1\.00" is in measures\.beats; pass the song's tempo/)
  })

  test('REAPER export in minutes:seconds with BOM, CRLF, a Color column, a quoted comma and overlapping regions', async () => {
    expect(spans(await loadSections(fixture('sections/reaper-time.csv')))).toEqual([
      ['Intro', 0, 12],
      ['Verse, part 1', 12, 38],
      ['Chorus', 38, 65.25],
    ])
  })

  test('REAPER markers only: each runs to the next, the last to the song end', async () => {
    expect(spans(await loadSections(fixture('sections/reaper-markers.csv'), { duration: 50 }))).toEqual([
      ['Intro', 0, 10],
      ['Verse', 10, 30],
      ['Chorus', 30, 50],
    ])
  })

  test('semicolon CSV with columns in any order and a missing end', async () => {
    expect(spans(await loadSections(fixture('sections/sections.csv')))).toEqual([
      ['Intro', 0, 8.5],
      ['Verse', 8.5, 30],
      ['Chorus', 30, 45],
    ])
  })

  test('Audacity labels: spans and a point label', async () => {
    expect(spans(await loadSections(fixture('sections/labels.txt'), { duration: 40 }))).toEqual([
      ['Intro', 0, 10],
      ['Verse', 10, 30],
      ['Chorus', 30, 40],
    ])
  })

  test('JSON with label/title synonyms and clock-string times', async () => {
    expect(spans(await loadSections(fixture('sections/sections.json')))).toEqual([
      ['Intro', 0, 10],
      ['Verse', 10, 25],
      ['Chorus', 25, 40],
    ])
  })

  test('MIDI markers: sections from marker to marker, the last to the end of the track', async () => {
    expect(spans(await loadSections(fixture('sections/markers.mid')))).toEqual([
      ['Intro', 0, 4],
      ['Verse', 4, 12],
      ['Refräin', 12, 20],
    ])
  })

  test('a bad time names the file and line', async () => {
    await expect(loadSections(fixture('sections/broken-time.csv'))).rejects.toThrow(/broken-time\.csv: line 3: expected a start time in seconds or m:ss\.xxx, got "ten"/)
  })

  test('invalid JSON names the file and line', async () => {
    await expect(loadSections(fixture('sections/broken.json'))).rejects.toThrow(/broken\.json: line 3: not valid JSON/)
  })

  test('a JSON section that ends before it starts names the file and line', async () => {
    await expect(loadSections(fixture('sections/broken-backwards.json'))).rejects.toThrow(/broken-backwards\.json: line 3: section 2: ends \(20\) before it starts \(30\)/)
  })

  test('a CSV without a start column says what header it expected', () => {
    expect(() => parseSections('foo,bar\n1,2\n', { file: 's.csv' })).toThrow(/s\.csv: line 1: expected a header with a start column/)
  })

  test('random text gives sections or a FileFormatError, never a crash', () => {
    const piece = fc.constantFrom('start,end,name\n', '#,Name,Start,End,Length\n', 'R1,', 'M2,', '1.1.00,', '0:12.000,', '12', ',', '\n', '"', '\t', '[', '{"start":', '}', ']', 'x')
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        try {
          for (const s of parseSections(pieces.join(''), { file: 'fuzz' })) expect(s.end).toBeGreaterThan(s.start)
        } catch (err) {
          expect(err).toBeInstanceOf(FileFormatError)
        }
      }),
      { numRuns: 500 },
    )
  })
})
