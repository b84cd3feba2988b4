/** The WordPiece tokenizer of model/CONTRACT.md, reading model/tokenizer.json. */
import { readFile } from 'node:fs/promises'

/** model/tokenizer.json as shipped. */
export type TokenizerSpec = {
  type: 'wordpiece'
  lowercase: boolean
  strip_accents: boolean
  max_tokens: number
  max_word_chars: number
  continuation: string
  special: Record<'[PAD]' | '[UNK]' | '[CLS]' | '[SEP]' | '[MASK]', number>
  vocab: string[]
}

/** Token ids of a text plus, per token, the index of the word it came from (-1 for specials). */
export type Encoding = {
  ids: number[]
  /** The words of the text after normalisation, in order (only those that fit max_tokens). */
  words: string[]
  /** wordOfToken[i]: index into `words` of token i, or -1 for [CLS] / [SEP]. */
  wordOfToken: number[]
}

const wordPattern = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu

/** A WordPiece tokenizer: NFD, strip marks, lower-case, split, greedy longest match. */
export class WordPieceTokenizer {
  readonly spec: TokenizerSpec
  private readonly ids: Map<string, number>

  constructor(spec: TokenizerSpec) {
    if (spec.type !== 'wordpiece' || !Array.isArray(spec.vocab) || spec.vocab.length === 0) {
      throw new TypeError(`expected a wordpiece tokenizer with a vocab, got type ${JSON.stringify(spec.type)} with ${spec.vocab?.length ?? 0} entries`)
    }
    for (const name of ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const) {
      const id = spec.special?.[name]
      if (!Number.isInteger(id) || spec.vocab[id] !== name) throw new TypeError(`tokenizer special ${name} must name its vocab entry, got id ${id}`)
    }
    this.spec = spec
    // a plain loop: new Map(vocab.map(...)) builds 8000 pair arrays first and took 10-14 ms of every start, the loop 1 ms
    this.ids = new Map()
    for (let id = 0; id < spec.vocab.length; id++) this.ids.set(spec.vocab[id]!, id)
  }

  /** Loads model/tokenizer.json (or another file of that shape). */
  static async load(path: string): Promise<WordPieceTokenizer> {
    let spec: TokenizerSpec
    try {
      spec = JSON.parse(await readFile(path, 'utf8'))
    } catch (cause) {
      throw new Error(`tokenizer ${path} cannot be read as JSON`, { cause })
    }
    try {
      return new WordPieceTokenizer(spec)
    } catch (cause) {
      throw new Error(`tokenizer ${path} is malformed: ${(cause as Error).message}`, { cause })
    }
  }

  /** Step 1 and 2: normalised words of a text. */
  words(text: string): string[] {
    let s = text
    if (this.spec.strip_accents) s = s.normalize('NFD').replace(/\p{Mn}/gu, '')
    if (this.spec.lowercase) s = s.toLowerCase()
    return s.match(wordPattern) ?? []
  }

  /** Step 3: WordPiece ids of one normalised word. */
  pieces(word: string): number[] {
    const chars = Array.from(word)
    const unk = this.spec.special['[UNK]']
    if (chars.length > this.spec.max_word_chars) return [unk]
    const out: number[] = []
    let start = 0
    while (start < chars.length) {
      let found = -1
      let end = chars.length
      for (; end > start; end--) {
        const piece = (start > 0 ? this.spec.continuation : '') + chars.slice(start, end).join('')
        const id = this.ids.get(piece)
        if (id !== undefined) {
          found = id
          break
        }
      }
      if (found < 0) return [unk]
      out.push(found)
      start = end
    }
    return out
  }

  /** `[CLS] pieces [SEP]`, truncated to max_tokens keeping the first pieces. */
  encode(text: string): number[] {
    return this.encodeWithWords(text).ids
  }

  /** Like encode, and says which word each token came from (to explain word-level moods). */
  encodeWithWords(text: string): Encoding {
    const { special, max_tokens: maxTokens } = this.spec
    const ids = [special['[CLS]']]
    const wordOfToken = [-1]
    const words: string[] = []
    for (const word of this.words(text)) {
      if (ids.length >= maxTokens - 1) break
      const pieces = this.pieces(word)
      const index = words.push(word) - 1
      for (const id of pieces) {
        if (ids.length >= maxTokens - 1) break
        ids.push(id)
        wordOfToken.push(index)
      }
    }
    ids.push(special['[SEP]'])
    wordOfToken.push(-1)
    return { ids, words, wordOfToken }
  }
}
