/**
 * Bugs the file fuzzing found, one test each: lyric and section files built to be as expensive as
 * their size allows must be read (or refused with a clear error) without hanging, aborting the
 * process or returning times no song has.
 */
import { describe, expect, test } from 'vitest'
import { parseLyrics } from '../../bridge/lyrics/index.js'
import { parseSections } from '../../bridge/sections/index.js'
import { checkLyricLines, checkSections } from './fuzz-support.js'

const LIMIT = 4 * 1024 * 1024
/** `unit` repeated to just under the 4 MiB lyric/section limit. */
const fill = (unit: string, head = ''): string => head + unit.repeat(Math.floor((LIMIT - 64 - head.length) / unit.length))

describe('hostile lyric and section files', () => {
  test('bug: an LRC of 200,000 timed lines took minutes (quadratic end-time search); it now reads in linear time', () => {
    // 200,000 distinct lines (under the expansion limit), then the same with every line at one time
    const text = Array.from({ length: 200_000 }, (_, i) => `[${Math.floor(i / 6000)}:${((i / 100) % 60).toFixed(2).padStart(5, '0')}]la`).join('\n')
    const lines = parseLyrics(text, 'lrc', { file: 'long.lrc' })
    expect(lines.length).toBe(200_000)
    checkLyricLines(lines, 'long.lrc')
    expect(parseLyrics('[00:01.00]la\n'.repeat(200_000), 'lrc').length).toBe(200_000)
  }, 30_000)

  test('bug: an LRC line with thousands of repeat tags and word tags exhausted memory and aborted the process; it is refused', () => {
    const text = '[0:00]'.repeat(20_000) + '<0:00>a '.repeat(20_000) // 280 KB asking for 400 million timed words
    expect(() => parseLyrics(text, 'lrc', { file: 'bomb.lrc' })).toThrow(/bomb\.lrc: line 1: the file expands to more than 250000 timed lines and words \(this line: 20000 time tags x 20000 word tags\)/)
  })

  test('bug: plain text of a million lines overflowed the call stack ("Maximum call stack size exceeded"); it reads', () => {
    const lines = parseLyrics(fill('la la\n'), 'text', { file: 'big.txt', duration: 3600 })
    expect(lines.length).toBeGreaterThan(600_000)
    expect(lines.at(-1)!.end).toBeGreaterThan(lines[0]!.start)
  }, 30_000)

  test('bug: stanzas headed [Chorus] over many sections took quadratic time; they spread in linear time', () => {
    const sections = Array.from({ length: 2000 }, (_, i) => ({ start: i, end: i + 1, name: 'Chorus', source: 'file' as const }))
    const lines = parseLyrics(fill('[Chorus]\nla\n'), 'text', { sections })
    expect(lines.length).toBeGreaterThan(300_000)
    checkLyricLines(lines, 'choruses.txt')
  }, 30_000)

  test('bug: an SRT cue followed by a 4 MiB block of text overflowed the call stack; it reads as one long cue', () => {
    const lines = parseLyrics('1\n00:00:01,000 --> 00:00:02,000\nla\n\n' + fill('x\n'), 'srt', { file: 'block.srt' })
    expect(lines).toHaveLength(1)
    expect(lines[0]!.start).toBe(1)
  }, 30_000)

  test('bug: an UltraStar note of 400 digits gave a line ending at Infinity; it is refused, naming the line', () => {
    const text = `#BPM:150\n: 0 ${'9'.repeat(400)} 60 oh\nE\n`
    expect(() => parseLyrics(text, 'ultrastar', { file: 'long-note.txt' })).toThrow(/long-note\.txt: line 2: lyric line "oh" has a time of Infinity s: expected finite times in \[0, 86400\] s/)
    const gap = `#BPM:150\n#GAP:22222222222222222000\n: 4 4 62 per\nE\n`
    expect(() => parseLyrics(gap, 'ultrastar')).toThrow(/expected finite times in \[0, 86400\] s/)
  })

  test('bug: a section time of 400 digits gave a section ending at Infinity; it is refused', () => {
    expect(() => parseSections(`start,end,name\n0,${'9'.repeat(400)},Verse\n`, { file: 'far.csv' })).toThrow(/far\.csv: line 2: section "Verse" has a time of Infinity s/)
    checkSections(parseSections('start,end,name\n0,10,Verse\n'), 'near.csv')
  })

  test('bug: section files had no size limit (40 MB took 12 s and 2.5 GB); over 4 MiB they are refused before parsing', () => {
    const big = 'start,end,name\n' + '1,,x\n'.repeat(1_000_000)
    expect(() => parseSections(big, { file: 'huge.csv' })).toThrow(/huge\.csv: sections must be at most 4194304 bytes, got 5000015/)
    expect(parseSections(fill('1,2,x\n', 'start,end,name\n'))).toHaveLength(1)
  }, 30_000)
})
