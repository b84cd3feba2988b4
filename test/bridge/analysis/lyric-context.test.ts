import { describe, expect, test } from 'vitest'
import { lyricContext, sectionAt } from '../../../bridge/analysis/lyric-context.js'
import type { LyricLine, SectionSpan } from '../../../bridge/analysis/types.js'

const lines: LyricLine[] = [
  { start: 0, end: 4, text: 'first verse line' },
  { start: 4, end: 8, text: 'second verse line' },
  { start: 8, end: 12, text: 'third verse line' },
  { start: 16, end: 20, text: 'la la la' },
  { start: 20, end: 24, text: 'la la la' },
]
const spans: SectionSpan[] = [
  { start: 0, end: 12, name: 'Verse', source: 'file' },
  { start: 12, end: 24, name: 'Chorus', source: 'file' },
]

describe('lyricContext', () => {
  test('puts the lines sung inside the window first, then the rest of its section', () => {
    expect(lyricContext(lines, 5, 7, spans).split('\n')).toEqual(['second verse line', 'first verse line', 'third verse line'])
  })

  test('repeats a line only once', () => {
    expect(lyricContext(lines, 15, 25, spans)).toBe('la la la')
  })

  test('is empty where nothing is sung and the section has no lines', () => {
    expect(lyricContext(lines, 30, 36, [...spans, { start: 24, end: 40, name: 'Outro', source: 'file' }])).toBe('')
  })

  test('without sections holds just the lines inside the window', () => {
    expect(lyricContext(lines, 3, 9)).toBe('first verse line\nsecond verse line\nthird verse line')
  })

  test('sectionAt finds the span holding a time', () => {
    expect(sectionAt(spans, 12)?.name).toBe('Chorus')
    expect(sectionAt(spans, 30)).toBeUndefined()
  })

  test('the same lines as LRC and as SRT give the Outro the same lyric context: a line only overlapping its edge does not count', () => {
    const spans2: SectionSpan[] = [
      { start: 0, end: 20, name: 'Verse', source: 'file' },
      { start: 20, end: 40, name: 'Outro', source: 'file' },
    ]
    // LRC: a line runs until the next starts (1 s into the Outro); SRT: the cue ends where the singer stops
    const sung = [{ start: 16, text: 'we are burning down in sorrow' }, { start: 22, text: 'sunlight on a happy morning' }]
    const lrc: LyricLine[] = [{ ...sung[0]!, end: 21 }, { ...sung[1]!, end: 26 }]
    const srt: LyricLine[] = [{ ...sung[0]!, end: 19.5 }, { ...sung[1]!, end: 26 }]
    for (const centre of [20.5, 22, 25, 30]) {
      const [a, b] = [centre - 3, centre + 3]
      expect(lyricContext(lrc, a, b, spans2), `window centred at ${centre} s`).toBe(lyricContext(srt, a, b, spans2))
      expect(lyricContext(lrc, a, b, spans2)).toBe('sunlight on a happy morning')
    }
    // the Verse still reads its own last line
    expect(lyricContext(lrc, 15, 21, spans2)).toBe('we are burning down in sorrow')
  })
})
