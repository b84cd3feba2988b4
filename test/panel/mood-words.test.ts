import { describe, expect, test } from 'vitest'
import { normaliseWord, tokenizeLine } from '../../panel/mood-words.js'
import { conflict } from './feed-fixtures.js'

describe('mood words', () => {
  test('marks the words a conflict names, ignoring case and punctuation', () => {
    const toks = tokenizeLine({ start: 21, end: 25, text: 'Say Goodbye, through tears' }, [conflict('Chorus', 20, 40)])
    expect(toks.filter((t) => t.mood).map((t) => t.text)).toEqual(['Goodbye,', 'tears'])
    expect(toks.map((t) => t.text).join('')).toBe('Say Goodbye, through tears')
  })

  test('a line outside every conflict has nothing marked', () => {
    const toks = tokenizeLine({ start: 50, end: 55, text: 'goodbye tears' }, [conflict('Chorus', 20, 40)])
    expect(toks.some((t) => t.mood)).toBe(false)
  })

  test('normaliseWord drops accents and punctuation', () => {
    expect(normaliseWord('Adiós!')).toBe('adios')
  })
})
