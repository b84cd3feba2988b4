import { describe, expect, test } from 'vitest'
import type { SectionSpan } from '../../../bridge/analysis/types.js'
import { loadLyrics, parseLyrics } from '../../../bridge/lyrics/index.js'
import { fixture } from './fixture-path.js'

const span = (start: number, end: number, name: string): SectionSpan => ({ start, end, name, source: 'file' })

describe('plain-text lyrics', () => {
  test('stanzas go to the sections their headers name, lines share a section by word count', async () => {
    const sections = [span(0, 10, 'Intro'), span(10, 30, 'Verse'), span(30, 50, 'Chorus'), span(50, 70, 'Verse')]
    const lines = await loadLyrics(fixture('lyrics/plain.txt'), { sections })
    expect(lines.map((l) => [l.text, +l.start.toFixed(3), +l.end.toFixed(3)])).toEqual([
      ['Paper lanterns burning', 10, 18.571],
      ['Every window wide awake', 18.571, 30],
      ['Hold me while the city sleeps', 30, 45],
      ['(hold me)', 45, 50],
      ['Nothing here is ever late', 50, 70],
    ])
  })

  test('without headers stanzas fill the sections in order; extra stanzas share the last one', () => {
    const lines = parseLyrics('a b\n\nc d\n\ne f\n', 'text', { sections: [span(0, 10, 'A'), span(10, 20, 'B')] })
    expect(lines.map((l) => [l.text, l.start, l.end])).toEqual([
      ['a b', 0, 10],
      ['c d', 10, 15],
      ['e f', 15, 20],
    ])
  })

  test('without sections lines spread over the duration, a stanza break taking one slot', () => {
    const lines = parseLyrics('one\ntwo\n\nthree\n', 'text', { duration: 40 })
    expect(lines.map((l) => [l.text, l.start, l.end])).toEqual([
      ['one', 0, 10],
      ['two', 10, 20],
      ['three', 30, 40],
    ])
  })

  test('without sections or duration lines take 4 s each', () => {
    expect(parseLyrics('one\ntwo\n', 'text').map((l) => l.start)).toEqual([0, 4])
  })

  test('CRLF, runs of blank lines and trailing spaces do not make empty lines', () => {
    expect(parseLyrics('one  \r\n\r\n\r\n\r\n two\r\n', 'text', { duration: 10 }).map((l) => l.text)).toEqual(['one', 'two'])
  })
})
