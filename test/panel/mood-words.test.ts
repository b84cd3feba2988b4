import { describe, expect, test } from 'vitest'
import type { MoodWord, Section } from '../../bridge/analysis/types.js'
import { normaliseWord, tokenizeLine } from '../../panel/mood-words.js'
import { conflict, section } from './feed-fixtures.js'

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

  test("a line outside every conflict marks its section's mood words, and only in the sections it overlaps", () => {
    const verse = section('Verse', 0, 20, 0.5, 'positive', [{ word: 'sunshine', valence: 0.7, arousal: 0.2 }])
    const bridge = section('Bridge', 40, 60, -0.4, 'negative', [{ word: 'window', valence: -0.3, arousal: 0 }])
    const toks = tokenizeLine({ start: 2, end: 6, text: 'Sunshine on my window' }, [conflict('Chorus', 20, 40)], [verse, bridge])
    expect(toks.filter((t) => t.mood).map((t) => [t.text, t.source])).toEqual([['Sunshine', 'section']])
  })

  test('a word both a conflict and its section name is marked as the conflict names it', () => {
    const chorus = section('Chorus', 20, 40, -0.6, 'negative', [{ word: 'tears', valence: -0.5, arousal: 0 }])
    const toks = tokenizeLine({ start: 21, end: 25, text: 'Say goodbye through tears' }, [conflict('Chorus', 20, 40)], [chorus])
    const tears = toks.find((t) => t.text === 'tears')!
    expect([tears.source, tears.mood!.valence]).toEqual(['conflict', -0.8])
  })

  test('sections from an older bridge (no words) or with malformed words mark nothing', () => {
    const old = { ...section('Verse', 0, 20, 0.5), lyrics: { ...section('Verse', 0, 20, 0.5).lyrics!, words: undefined } }
    const bad = section('Verse', 0, 20, 0.5, 'positive', [{ word: 42, valence: 'high' } as unknown as MoodWord])
    for (const s of [old, bad] as Section[]) {
      expect(tokenizeLine({ start: 2, end: 6, text: 'sunshine' }, [], [s]).some((t) => t.mood)).toBe(false)
    }
  })

  test('normaliseWord drops accents and punctuation', () => {
    expect(normaliseWord('Adiós!')).toBe('adios')
  })
})
