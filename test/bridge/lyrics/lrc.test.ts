import { describe, expect, test } from 'vitest'
import { FileFormatError, loadLyrics, parseLyrics } from '../../../bridge/lyrics/index.js'
import { fixture } from './fixture-path.js'

describe('LRC lyrics', () => {
  test('reads line and word times from a BOM + CRLF file, shifted earlier by a positive [offset:]', async () => {
    const lines = await loadLyrics(fixture('lyrics/song.lrc'))
    expect(lines.map((l) => [l.start, l.text])).toEqual([
      [5, 'Paper lanterns burning'],
      [8, 'Every window wide awake'],
      [12, 'Hold me while the city sleeps'],
      [20, 'Nothing here is ever late'],
      [30, 'Hold me while the city sleeps'],
    ])
    expect(lines[0]!.words).toEqual([
      { start: 5, end: 5.5, text: 'Paper' },
      { start: 5.5, end: 6.25, text: 'lanterns' },
      { start: 6.25, end: 7, text: 'burning' },
    ])
    expect(lines[0]!.end).toBe(7)
  })

  test('a timed empty line ends the line before it; a line without one runs to the next line', async () => {
    const lines = await loadLyrics(fixture('lyrics/song.lrc'))
    expect(lines[1]!.end).toBe(12)
    expect(lines[2]!.end).toBe(16)
  })

  test('the last line gets a length from its words, clipped to the song duration', () => {
    const text = '[00:10.00]one two three four\n'
    expect(parseLyrics(text, 'lrc')[0]!.end).toBe(12)
    expect(parseLyrics(text, 'lrc', { duration: 11 })[0]!.end).toBe(11)
  })

  test('a line before a long instrumental break does not cover the break', () => {
    const lines = parseLyrics('[00:10.00]short line\n[01:30.00]after the solo\n', 'lrc')
    expect(lines[0]!.end).toBe(20)
  })

  test('lines sharing one time tag both keep it (duets)', () => {
    const lines = parseLyrics('[00:01.00]lead\n[00:01.00]harmony\n[00:03.00]next\n', 'lrc')
    expect(lines.map((l) => [l.start, l.end, l.text])).toEqual([
      [1, 3, 'lead'],
      [1, 3, 'harmony'],
      [3, 5, 'next'],
    ])
  })

  test('accepts mm:ss, mm:ss.xxx and mm:ss:xx time tags', () => {
    const lines = parseLyrics('[00:01]a\n[00:02.125]b\n[00:03:50]c\n', 'lrc')
    expect(lines.map((l) => l.start)).toEqual([1, 2.125, 3.5])
  })

  test('decodes a Windows-1252 file with curly quotes and accents', async () => {
    const lines = await loadLyrics(fixture('lyrics/latin1.lrc'))
    expect(lines.map((l) => l.text)).toEqual(['Café au lait, “sür la plage”', 'Don’t cry, niña'])
  })

  test('a bad time tag names the file and line', async () => {
    await expect(loadLyrics(fixture('lyrics/broken-time.lrc'))).rejects.toThrow(/broken-time\.lrc: line 2: expected a time tag like \[01:23\.45\], got \[00:0x\.00\]/)
  })

  test('bug: a line too late to sing was quoted but not placed; it names the file and line', async () => {
    const path = fixture('lyrics/broken-late.lrc')
    const err = await loadLyrics(path).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FileFormatError)
    expect(err).toMatchObject({ file: path, line: 3 })
    expect((err as Error).message).toMatch(/broken-late\.lrc: line 3: lyric line "far too late" has a time of 90000 s: expected finite times in \[0, 86400\] s/)
  })

  test('a line without a time tag names the file and line', async () => {
    await expect(loadLyrics(fixture('lyrics/broken-untimed.lrc'))).rejects.toThrow(/broken-untimed\.lrc: line 3: expected a time tag/)
  })
})
