import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { FileFormatError, LYRIC_FORMATS, loadLyrics, parseLyrics } from '../../../bridge/lyrics/index.js'
import { fixture } from './fixture-path.js'

describe('loadLyrics', () => {
  test('picks the format by content when the extension says nothing', () => {
    expect(parseLyrics('[00:01.00]hello\n')[0]!.start).toBe(1)
    expect(parseLyrics('1\n00:00:02,000 --> 00:00:03,000\nhello\n')[0]!.start).toBe(2)
    expect(parseLyrics('WEBVTT\n\n00:04.000 --> 00:05.000\nhello\n')[0]!.start).toBe(4)
    expect(parseLyrics('just words\n', undefined, { duration: 10 })[0]).toEqual({ start: 0, end: 10, text: 'just words' })
  })

  test('a missing file says which file', async () => {
    await expect(loadLyrics(fixture('lyrics/nope.lrc'))).rejects.toThrow(/cannot read lyrics file .*nope\.lrc/)
  })

  test('huge lyric text is refused with its size', () => {
    expect(() => parseLyrics('x'.repeat(100), 'text', { maxBytes: 10, file: 'big.txt' })).toThrow(/big\.txt: lyrics must be at most 10 bytes, got 100/)
  })

  test('lines come out sorted with end after start, whatever the format', async () => {
    for (const name of ['song.lrc', 'song.srt', 'song.vtt', 'ultrastar.txt', 'plain.txt', 'song.mid', 'song.kar']) {
      const lines = await loadLyrics(fixture(`lyrics/${name}`))
      expect(lines.length, name).toBeGreaterThan(0)
      for (let i = 0; i < lines.length; i++) {
        expect(lines[i]!.end, name).toBeGreaterThan(lines[i]!.start)
        if (i > 0) expect(lines[i]!.start, name).toBeGreaterThanOrEqual(lines[i - 1]!.start)
      }
    }
  })

  test('random bytes in any format give lines or a FileFormatError, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...LYRIC_FORMATS), (data, format) => {
        try {
          const lines = parseLyrics(data, format, { file: 'fuzz' })
          for (const l of lines) expect(l.end).toBeGreaterThan(l.start)
        } catch (err) {
          expect(err).toBeInstanceOf(FileFormatError)
        }
      }),
      { numRuns: 400 },
    )
  })

  test('random text built from format pieces never crashes the parsers', () => {
    const piece = fc.constantFrom('[00:01.00]', '[00:', '<00:02.00>', '-->', '00:00:01,000 --> 00:00:02,000', '\n', '\r\n', ': 0 4 60 la', '- 4', '#BPM:120\n', 'WEBVTT\n', '1\n', 'word ', '[Chorus]', '\n\n', '[offset:x]')
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.constantFrom(...LYRIC_FORMATS.filter((f) => f !== 'midi' && f !== 'kar')), (pieces, format) => {
        try {
          parseLyrics(pieces.join(''), format, { file: 'fuzz' })
        } catch (err) {
          expect(err).toBeInstanceOf(FileFormatError)
        }
      }),
      { numRuns: 400 },
    )
  })

  test('bug: a time out of range was refused quoting the line but not saying where it is; every text format names the line', () => {
    const late = [
      ['late.lrc', 'lrc', '[00:01.00]ok\n[1500:00.00]late\n', 2],
      ['late.srt', 'srt', '1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n25:00:00,000 --> 25:00:01,000\nlate\n', 6],
      ['late.vtt', 'vtt', 'WEBVTT\n\n25:00:00.000 --> 25:00:01.000\nlate\n', 3],
      ['late.txt', 'ultrastar', '#BPM:150\n: 0 4 60 ok\n- 8\n: 1000000 4 60 late\nE\n', 4],
    ] as const
    for (const [file, format, text, line] of late) {
      let err: unknown
      try {
        parseLyrics(text, format, { file })
      } catch (e) {
        err = e
      }
      expect(err, file).toBeInstanceOf(FileFormatError)
      expect(err, file).toMatchObject({ file, line })
      expect((err as Error).message, file).toMatch(new RegExp(`^${file.replace('.', '\\.')}: line ${line}: lyric line "late" has a time of \\d+ s: expected finite times in \\[0, 86400\\] s`))
    }
  })
})
