/**
 * Shared pieces of the reliability fuzz tests: how many cases a run makes (`npm test` vs
 * `npm run test:long`), byte mutators that turn valid inputs into malformed, truncated and
 * oversize ones, and the checks that a rejection is a clear error.
 */
import fc from 'fast-check'
import { expect } from 'vitest'
import type { LyricLine, SectionSpan } from '../../bridge/analysis/types.js'

/** True under `npm run test:long` (EMOLANE_LONG=1). */
export const LONG = Boolean(process.env.EMOLANE_LONG)

/** Cases per input path: 100,000 under test:long, `short` in `npm test`. */
export function fuzzRuns(short: number): number {
  return LONG ? 100_000 : short
}

/** The fast-check seed of a fuzz test: `EMOLANE_FUZZ_SEED` when set (other cases), else the test's own (the same cases every run). */
export function fuzzSeed(own: number): number {
  return Number(process.env.EMOLANE_FUZZ_SEED ?? own)
}

/** Seconds a whole fuzz test may take: long runs get minutes. */
export function fuzzTimeoutMs(shortMs: number, longMs = 900_000): number {
  return LONG ? longMs : shortMs
}

/** One way of damaging a valid input. */
type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'repeat'; at: number; length: number; times: number }
  | { kind: 'splice'; at: number; other: number; from: number }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.nat(255) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.constantFrom(0, 0x0a, 0x0d, 0x20, 0x2c, 0x2e, 0x3a, 0x5b, 0x5d, 0x3c, 0x3e, 0x2d, 0x30, 0x39, 0x7f, 0x80, 0xc3, 0xff) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 32 }) }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 2, max: 40 }) }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), other: fc.nat(), from: fc.nat() }),
)

function apply(bytes: Uint8Array, m: Mutation, seeds: readonly Uint8Array[]): Uint8Array {
  const n = bytes.length
  const at = n === 0 ? 0 : m.at % (n + 1)
  const cat = (...parts: Uint8Array[]): Uint8Array => {
    const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0))
    let o = 0
    for (const p of parts) {
      out.set(p, o)
      o += p.length
    }
    return out
  }
  switch (m.kind) {
    case 'truncate':
      return bytes.slice(0, at)
    case 'flip': {
      if (n === 0) return bytes
      const copy = bytes.slice()
      copy[m.at % n] = m.byte
      return copy
    }
    case 'insert':
      return cat(bytes.subarray(0, at), m.bytes, bytes.subarray(at))
    case 'delete':
      return cat(bytes.subarray(0, at), bytes.subarray(Math.min(n, at + m.length)))
    case 'repeat': {
      const piece = bytes.subarray(at, Math.min(n, at + m.length))
      return cat(bytes.subarray(0, at), ...Array.from({ length: m.times }, () => piece), bytes.subarray(at))
    }
    case 'splice': {
      const other = seeds[m.other % seeds.length]!
      return cat(bytes.subarray(0, at), other.subarray(other.length === 0 ? 0 : m.from % other.length))
    }
  }
}

/** Valid seeds damaged by 1 to `most` mutations: truncated, flipped, grown, spliced. */
export function mutatedBytes(seeds: readonly Uint8Array[], most = 6): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.nat(seeds.length - 1), fc.array(mutation, { minLength: 1, maxLength: most }))
    .map(([i, ms]) => ms.reduce((b, m) => apply(b, m, seeds), seeds[i]!))
}

/** Mostly mutated seeds, some random bytes, and now and then an intact seed (so checksummed formats are also read whole). */
export function hostileBytes(seeds: readonly Uint8Array[], maxRandom = 512): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: maxRandom }) },
    { weight: 12, arbitrary: mutatedBytes(seeds) },
    { weight: 1, arbitrary: fc.constantFrom(...seeds) },
  )
}

/** Text from bytes, for text formats (invalid UTF-8 becomes U+FFFD, as a lenient reader would see it). */
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

/** Words a clear rejection uses to say what was expected or what is wrong. */
export const SAYS_WHAT = /expected|must|got|limit|at most|truncated|unknown|unsupported|not |no |needs|cannot|before|after|over |claims|announces|invalid|empty|malformed|only|longer|holds|refused|too |pass /i

/** Asserts `err` is one of the allowed classes with a message that says what was expected or wrong. */
export function expectClearError(err: unknown, classes: readonly (abstract new (...args: never[]) => Error)[], context: string): void {
  if (!classes.some((c) => err instanceof c)) {
    throw new Error(`${context}: expected one of ${classes.map((c) => c.name).join(', ')}, got ${err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err)}`)
  }
  const message = (err as Error).message
  expect(message.length, `${context}: message too short: ${message}`).toBeGreaterThanOrEqual(12)
  expect(message, `${context}: message does not say what was expected`).toMatch(SAYS_WHAT)
}

/** Tallies outcomes (accepted, or rejected by message shape) so a test can show what the fuzz hit. */
export class Outcomes {
  readonly counts = new Map<string, number>()
  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1)
  }
  get total(): number {
    let n = 0
    for (const v of this.counts.values()) n += v
    return n
  }
  /** Count of outcomes other than `accepted`. */
  get rejected(): number {
    return this.total - (this.counts.get('accepted') ?? 0)
  }
}

/** A short key for an error message: its words with numbers and quoted parts blanked. */
export function messageShape(message: string): string {
  return message
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi, '#')
    .slice(0, 90)
}

/** Checks what a reader returned: the shape every caller (bridge, analyze, panel) relies on. */
export function checkLyricLines(lines: LyricLine[], context: string): void {
  const fail = (why: string, l?: unknown): never => {
    throw new Error(`${context}: ${why}: ${JSON.stringify(l)?.slice(0, 200)}`)
  }
  if (!Array.isArray(lines)) fail('not an array', lines)
  let previous = 0
  for (const l of lines) {
    if (!Number.isFinite(l.start) || l.start < 0) fail('start must be finite and >= 0', l)
    if (!Number.isFinite(l.end) || !(l.end > l.start)) fail('end must be finite and after the start', l)
    if (l.start < previous) fail('lines out of order', l)
    previous = l.start
    if (typeof l.text !== 'string' || l.text === '' || l.text !== l.text.trim()) fail('text must be non-empty and trimmed', l)
    for (const w of l.words ?? []) {
      if (!Number.isFinite(w.start) || w.start < 0 || !Number.isFinite(w.end) || w.end < w.start) fail('word times must be finite, >= 0 and ordered', w)
      if (typeof w.text !== 'string' || w.text === '') fail('word text must be non-empty', w)
    }
  }
}

/** Checks what a reader returned: the shape the bridge and the analysis rely on. */
export function checkSections(sections: SectionSpan[], context: string): void {
  const fail = (why: string, s?: unknown): never => {
    throw new Error(`${context}: ${why}: ${JSON.stringify(s)?.slice(0, 200)}`)
  }
  let previousEnd = 0
  for (const s of sections) {
    if (!Number.isFinite(s.start) || s.start < 0) fail('start must be finite and >= 0', s)
    if (!Number.isFinite(s.end) || !(s.end > s.start)) fail('end must be finite and after the start', s)
    if (s.start < previousEnd) fail('sections overlap or are out of order', s)
    previousEnd = s.end
    if (typeof s.name !== 'string' || s.name === '' || s.name !== s.name.trim()) fail('name must be non-empty and trimmed', s)
    if (s.source !== 'file') fail('source must be "file"', s)
  }
}
