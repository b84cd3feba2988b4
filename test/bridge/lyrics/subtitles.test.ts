import { describe, expect, test } from 'vitest'
import { loadLyrics, parseLyrics } from '../../../bridge/lyrics/index.js'
import { fixture } from './fixture-path.js'

describe('SubRip lyrics', () => {
  test('reads cues with CRLF, tags, a missing cue number, overlaps and a blank line inside a cue', async () => {
    const lines = await loadLyrics(fixture('lyrics/song.srt'))
    expect(lines).toEqual([
      { start: 1, end: 4, text: 'I wake up in the morning' },
      { start: 3.5, end: 6, text: 'and the sun is out' },
      { start: 7, end: 9.25, text: 'nothing else to say' },
      { start: 10, end: 12, text: 'first half second half' },
    ])
  })

  test('decodes UTF-16LE with a BOM', async () => {
    expect(await loadLyrics(fixture('lyrics/utf16.srt'))).toEqual([{ start: 1, end: 2, text: 'Ça va, déjà vu' }])
  })

  test('a broken timing line names the file and line', async () => {
    await expect(loadLyrics(fixture('lyrics/broken-timing.srt'))).rejects.toThrow(/broken-timing\.srt: line 6: expected a timing line/)
  })

  test('a cue that ends before it starts names the file and line', async () => {
    await expect(loadLyrics(fixture('lyrics/broken-backwards.srt'))).rejects.toThrow(/broken-backwards\.srt: line 2: cue ends \(00:00:02,000\) before it starts/)
  })
})

describe('WebVTT lyrics', () => {
  test('skips header, NOTE and STYLE blocks and reads karaoke timestamps as word times', async () => {
    const lines = await loadLyrics(fixture('lyrics/song.vtt'))
    expect(lines.map((l) => [l.start, l.end, l.text])).toEqual([
      [1, 4, 'Never let the light go'],
      [5, 8, 'Out & about'],
    ])
    expect(lines[0]!.words!.map((w) => [w.text, w.start, w.end])).toEqual([
      ['Never', 1, 1.5],
      ['let', 1.5, 2],
      ['the', 2, 2.5],
      ['light', 2.5, 3],
      ['go', 3, 4],
    ])
  })

  test('a file without the WEBVTT signature names the file and line 1', async () => {
    await expect(loadLyrics(fixture('lyrics/broken-header.vtt'))).rejects.toThrow(/broken-header\.vtt: line 1: a WebVTT file must start with "WEBVTT"/)
  })

  test('a mistyped timing line ("->") is refused with its line, rather than read as words of the cue before', async () => {
    await expect(loadLyrics(fixture('lyrics/broken-timing.vtt'))).rejects.toThrow(/broken-timing\.vtt: line 6: expected a timing line like "00:01:02,500 --> 00:01:05,000" \(two dashes and ">"\), got "00:05\.000 -> 00:08\.000"/)
    expect(() => parseLyrics('WEBVTT\n\n00:01.000 --> 00:04.000\nfirst\n\n00:05.000 — 00:08.000\nsecond\n', 'vtt')).toThrow(/line 6: expected a timing line/)
    // a blank line inside a cue's text is still the same cue
    expect(parseLyrics('WEBVTT\n\n00:01.000 --> 00:04.000\nfirst half\n\nsecond half\n', 'vtt').map((l) => l.text)).toEqual(['first half second half'])
  })

  test('karaoke timestamps outside the cue, or going back, keep their words with the words before', () => {
    const [line] = parseLyrics('WEBVTT\n\n00:01.000 --> 00:04.000\nNever <00:02.000>let <00:09.500>the <00:03.000>light <00:02.500>go\n', 'vtt')
    expect(line!.words!.map((w) => [w.text, w.start, w.end])).toEqual([
      ['Never', 1, 2],
      ['let the', 2, 3],
      ['light go', 3, 4],
    ])
    for (const w of line!.words!) expect(w.end).toBeLessThanOrEqual(4)
  })

  test('hour-long timestamps parse', () => {
    expect(parseLyrics('WEBVTT\n\n01:02:03.500 --> 01:02:05.000\nlate line\n', 'vtt')[0]!.start).toBe(3723.5)
  })
})
