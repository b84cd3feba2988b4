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

  /** The error a reader gave, checked to be a FileFormatError naming the file. */
  const refusal = async (path: string): Promise<FileFormatError> => {
    const err = await loadSections(path).catch((e: unknown) => e)
    expect(err, path).toBeInstanceOf(FileFormatError)
    expect(err, path).toMatchObject({ file: path })
    return err as FileFormatError
  }

  test('Audacity labels with a bad time name the file and line', async () => {
    const err = await refusal(fixture('sections/broken-labels.txt'))
    expect(err.line).toBe(2)
    expect(err.message).toMatch(/broken-labels\.txt: line 2: expected an end time in seconds or m:ss\.xxx, got "3O\.000000"/)
  })

  test('bug: an Audacity label ending before it starts was read as a point label; it is refused, naming the file and line', async () => {
    const err = await refusal(fixture('sections/broken-labels-backwards.txt'))
    expect(err.line).toBe(2)
    expect(err.message).toMatch(/broken-labels-backwards\.txt: line 2: label ends \(20\.000000\) before it starts \(30\.000000\)/)
  })

  test('bug: an Audacity label too late for a song was quoted but not placed; it names the file and line', async () => {
    const err = await refusal(fixture('sections/broken-labels-late.txt'))
    expect(err.line).toBe(3)
    expect(err.message).toMatch(/broken-labels-late\.txt: line 3: section "Outro" has a time of 90000 s: expected finite times in \[0, 86400\] s/)
  })

  test('bug: Audacity labels with frequency ranges (\\ lines, the extended format) were refused; the ranges are skipped', () => {
    expect(spans(parseSections('0.000000\t10.000000\tIntro\n\\\t100.000000\t2000.000000\n10.000000\t20.000000\tVerse\n\\\t-1.000000\t-1.000000\n', { file: 'spectral.txt' }))).toEqual([
      ['Intro', 0, 10],
      ['Verse', 10, 20],
    ])
  })

  test('a truncated MIDI marker file names the file, the byte and the track', async () => {
    const err = await refusal(fixture('sections/broken-truncated.mid'))
    expect(err.byte).toBe(14)
    expect(err.message).toMatch(/broken-truncated\.mid: byte 14: track 1 claims 43 bytes but only 18 remain \(file truncated\?\)/)
  })

  test('bug: a MIDI marker running past its track did not say which track; it names the file, byte and track', async () => {
    const err = await refusal(fixture('sections/broken-marker.mid'))
    expect(err.byte).toBe(36)
    expect(err.message).toMatch(/broken-marker\.mid: byte 36: track 1: expected 64 more bytes, the track ends at byte 45/)
  })

  test('bug: a MIDI marker too late for a song blamed the section before it; it names that marker, its track and tick', async () => {
    const err = await refusal(fixture('sections/broken-late.mid'))
    expect(err.message).toMatch(/broken-late\.mid: section "Outro" \(track 1, tick 180000\) has a time of 90000 s: expected finite times in \[0, 86400\] s/)
  })

  test('a time out of range names the line in CSV, REAPER and JSON files', () => {
    expect(() => parseSections('start,end,name\n0,10,Intro\n90000,90010,Outro\n', { file: 'late.csv' })).toThrow(/^late\.csv: line 3: section "Outro" has a time of 90000 s/)
    expect(() => parseSections('#,Name,Start,End,Length\nR1,Intro,0:00.000,0:10.000,0:10.000\nR2,Outro,1500:00.000,1500:10.000,0:10.000\n', { file: 'late-reaper.csv' })).toThrow(
      /^late-reaper\.csv: line 3: section "Outro" has a time of 90000 s/,
    )
    expect(() => parseSections('[\n  {"start": 0, "end": 10, "name": "Intro"},\n  {"start": 90000, "name": "Outro"}\n]\n', { file: 'late.json' })).toThrow(/^late\.json: line 3: section "Outro" has a time of 90000 s/)
  })

  test('bug: errors in an emolane analyze result pointed at its frames; they name the line of the section', () => {
    const doc = JSON.stringify({ schema: 'emolane.analysis/1', frames: [{ time: 0 }, { time: 1 }, { time: 2 }], sections: [{ start: 0, end: 10, name: 'A' }, { start: 'soon', name: 'B' }] }, null, 2)
    const line = doc.split('\n').findIndex((l) => l.includes('"soon"')) // 0-based index of the line after the brace: the brace's line number
    expect(() => parseSections(doc, { file: 'analysis.json' })).toThrow(new RegExp(`^analysis\\.json: line ${line}: section 2 start: expected seconds`))
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
