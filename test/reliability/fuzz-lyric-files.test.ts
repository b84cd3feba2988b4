/**
 * Fuzzing every lyric reader (LRC, SRT, WebVTT, UltraStar, plain text, MIDI lyrics, .kar): valid
 * files damaged in every way, format-shaped nonsense and random bytes. Each case either reads as
 * well-formed lines (finite times from 0 on, ends after starts, sorted, trimmed text) or is refused
 * with a FileFormatError that names the file and says what was expected.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { writeMidi, type MidiEvent } from 'midi-file'
import { describe, expect, test } from 'vitest'
import type { LyricLine } from '../../bridge/analysis/types.js'
import { FileFormatError, parseLyrics, type LyricFormat } from '../../bridge/lyrics/index.js'
import { checkLyricLines, expectClearError, fuzzRuns, fuzzSeed, fuzzTimeoutMs, hostileBytes, messageShape, Outcomes, utf8 } from './fuzz-support.js'

const SEED = fuzzSeed(1001)
const RUNS = fuzzRuns(1500)
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'lyrics')
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)))

/** Runs one case: read, then check the lines or the rejection. */
function readCase(bytes: Uint8Array, format: LyricFormat | undefined, outcomes: Outcomes): void {
  const file = `fuzz.${format ?? 'auto'}`
  let lines: LyricLine[]
  try {
    lines = parseLyrics(bytes, format, { file })
  } catch (err) {
    expectClearError(err, [FileFormatError], `${file} (${bytes.length} bytes)`)
    expect((err as Error).message.startsWith(file)).toBe(true)
    outcomes.add(messageShape((err as Error).message))
    return
  }
  checkLyricLines(lines, `${file} (${bytes.length} bytes)`)
  outcomes.add('accepted')
}

// Format-shaped nonsense: the right tokens in the wrong amounts, with extreme numbers.
const digits = fc.oneof(fc.nat(99).map(String), fc.nat().map(String), fc.constantFrom('0', '00', '59', '60', '99', '999', '-1', '1e9', '9'.repeat(400), ''))
const clock = fc.tuple(digits, digits, digits, fc.constantFrom('.', ',', ':', '')).map(([m, s, f, sep]) => `${m}:${s}${sep}${f}`)
const words = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('la la', '<script>x()</script>', '\u0000', '\u202e', 'café', '🎵', '-->', '[00:01.00]', '<00:01.00>', '\\', '/', '@K'),
)
const lrcText = fc
  .array(
    fc.oneof(
      fc.tuple(fc.array(clock, { minLength: 1, maxLength: 4 }), fc.array(fc.tuple(clock, words), { maxLength: 5 }), words).map(
        ([tags, wordTags, tail]) => `${tags.map((t) => `[${t}]`).join('')}${wordTags.map(([t, w]) => `<${t}>${w}`).join('')}${tail}`,
      ),
      fc.tuple(fc.constantFrom('ar', 'ti', 'offset', 'length', 'by'), fc.oneof(digits, words)).map(([k, v]) => `[${k}:${v}]`),
      words,
    ),
    { maxLength: 30 },
  )
  .map((rows) => rows.join('\n'))
const subtitleText = (vtt: boolean) =>
  fc
    .array(fc.tuple(fc.option(fc.nat(999)), clock, clock, words, fc.option(words)), { maxLength: 20 })
    .map((cues) => (vtt ? 'WEBVTT\n\n' : '') + cues.map(([n, a, b, t, u]) => `${n ?? ''}\n${a} --> ${b}${vtt ? ' align:start' : ''}\n${t}${vtt ? ` <${a}>${u ?? ''}` : ''}\n${u ?? ''}`).join('\n\n'))
const ultraStarText = fc
  .tuple(digits, digits, fc.boolean(), fc.array(fc.tuple(fc.constantFrom(':', '*', 'F', 'R', 'G', '-', 'P1', 'E', 'x'), digits, digits, digits, words), { maxLength: 30 }))
  .map(([bpm, gap, rel, notes]) => `#TITLE:x\n#BPM:${bpm}\n#GAP:${gap}\n${rel ? '#RELATIVE:yes\n' : ''}${notes.map(([k, a, b, c, w]) => `${k} ${a} ${b} ${c} ${w}`).join('\n')}`)
const plainText = fc.array(fc.oneof(words, fc.constantFrom('', '[Chorus]', 'Verse 2:', '(bridge)', '[Verse 1: Singer]')), { maxLength: 40 }).map((r) => r.join('\n'))

/** Standard MIDI files with random lyric, text and tempo events, written by an independent writer. */
const midiFile = fc
  .tuple(
    fc.integer({ min: 1, max: 0x7fff }),
    fc.array(
      fc.tuple(fc.integer({ min: 0, max: 0x0fffffff }), fc.constantFrom('lyrics', 'text', 'setTempo', 'noteOn'), fc.string({ maxLength: 12 }), fc.integer({ min: 1, max: 0xffffff })),
      { maxLength: 24 },
    ),
  )
  .map(([tpq, events]) => {
    const track: MidiEvent[] = events.map(([deltaTime, type, text, n]) =>
      type === 'setTempo'
        ? { deltaTime, type, microsecondsPerBeat: n }
        : type === 'noteOn'
          ? { deltaTime, type, channel: n % 16, noteNumber: n % 128, velocity: 64 }
          : ({ deltaTime, meta: true, type, text: (n % 3 === 0 ? '/' : '') + text } as MidiEvent),
    )
    track.push({ deltaTime: 0, meta: true, type: 'endOfTrack' })
    return Uint8Array.from(writeMidi({ header: { format: 0, numTracks: 1, ticksPerBeat: tpq }, tracks: [track] }))
  })

/** `anyText`: the format reads any text (plain text), so a run may refuse nothing: only files sniffed as another format are refused. */
const cases: { name: string; format: LyricFormat; seeds: string[]; shaped: fc.Arbitrary<Uint8Array>; anyText?: boolean }[] = [
  { name: 'LRC', format: 'lrc', seeds: ['song.lrc', 'latin1.lrc', 'broken-time.lrc', 'broken-untimed.lrc', 'broken-late.lrc'], shaped: lrcText.map(utf8) },
  { name: 'SRT', format: 'srt', seeds: ['song.srt', 'utf16.srt', 'broken-timing.srt', 'broken-backwards.srt'], shaped: subtitleText(false).map(utf8) },
  { name: 'WebVTT', format: 'vtt', seeds: ['song.vtt', 'broken-header.vtt', 'broken-timing.vtt'], shaped: subtitleText(true).map(utf8) },
  { name: 'UltraStar', format: 'ultrastar', seeds: ['ultrastar.txt', 'broken-note.txt'], shaped: ultraStarText.map(utf8) },
  { name: 'plain text', format: 'text', seeds: ['plain.txt'], shaped: plainText.map(utf8), anyText: true },
  { name: 'MIDI lyrics', format: 'midi', seeds: ['song.mid', 'broken-truncated.mid'], shaped: midiFile },
  { name: '.kar karaoke', format: 'kar', seeds: ['song.kar', 'broken-truncated.kar', 'broken-event.kar', 'broken-late.kar'], shaped: midiFile },
]

describe('lyric file readers under fuzzing', () => {
  for (const c of cases) {
    test(
      `${c.name}: ${RUNS} malformed, truncated and format-shaped files read cleanly or fail with a FileFormatError`,
      () => {
        const seeds = c.seeds.map(fixture)
        const outcomes = new Outcomes()
        fc.assert(
          fc.property(fc.oneof({ weight: 3, arbitrary: hostileBytes(seeds) }, { weight: 2, arbitrary: c.shaped }), fc.boolean(), (bytes, sniff) => {
            readCase(bytes, sniff ? undefined : c.format, outcomes)
          }),
          { numRuns: RUNS, seed: SEED },
        )
        expect(outcomes.total).toBe(RUNS)
        // the fuzz reached both sides: some files read, many were refused for several reasons
        expect(outcomes.counts.get('accepted') ?? 0).toBeGreaterThan(0)
        if (!c.anyText) expect(outcomes.rejected).toBeGreaterThan(0)
      },
      fuzzTimeoutMs(30_000),
    )
  }

  test('a file over the size limit is refused before it is parsed, saying the limit', () => {
    const big = new Uint8Array(4 * 1024 * 1024 + 1).fill(0x61)
    expect(() => parseLyrics(big, 'text', { file: 'huge.txt' })).toThrow(/huge\.txt: lyrics must be at most 4194304 bytes, got 4194305/)
  })
})
