import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { WordPieceTokenizer } from '../../../bridge/engine/tokenizer.js'

const modelDir = join(import.meta.dirname, '../../../model')
const vectors: { text: string; ids: number[]; words?: string[] }[] = JSON.parse(readFileSync(join(modelDir, 'tokenizer_vectors.json'), 'utf8'))

const tok = await WordPieceTokenizer.load(join(modelDir, 'tokenizer.json'))

describe('WordPieceTokenizer', () => {
  test('gives the ids of every shared test vector, as the Python tokenizer does', () => {
    expect(vectors.length).toBeGreaterThan(10)
    const wrong = vectors.filter((v) => JSON.stringify(tok.encode(v.text)) !== JSON.stringify(v.ids))
    expect(wrong.map((v) => v.text)).toEqual([])
  })

  test('splits the shared vectors into the same words', () => {
    for (const v of vectors.filter((x) => x.words)) expect(tok.words(v.text)).toEqual(v.words)
  })

  test('never exceeds max_tokens and keeps the first pieces', () => {
    const long = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ')
    const ids = tok.encode(long)
    expect(ids.length).toBe(tok.spec.max_tokens)
    expect(ids[0]).toBe(tok.spec.special['[CLS]'])
    expect(ids.at(-1)).toBe(tok.spec.special['[SEP]'])
    expect(ids.slice(1, 4)).toEqual(tok.encode('word0 word1 word2 word3').slice(1, 4))
  })

  test('maps each token back to the word it came from', () => {
    const enc = tok.encodeWithWords('Sunshine, tears!')
    expect(enc.words).toEqual(['sunshine', ',', 'tears', '!'])
    expect(enc.wordOfToken[0]).toBe(-1)
    expect(enc.wordOfToken.at(-1)).toBe(-1)
    expect(new Set(enc.wordOfToken.slice(1, -1))).toEqual(new Set([0, 1, 2, 3]))
  })

  test('rejects a tokenizer file whose specials do not match its vocab', () => {
    expect(() => new WordPieceTokenizer({ ...tok.spec, special: { ...tok.spec.special, '[CLS]': 7 } })).toThrow(/\[CLS\]/)
  })
})
