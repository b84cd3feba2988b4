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
})
