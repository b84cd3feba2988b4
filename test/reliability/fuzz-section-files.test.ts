/**
 * Fuzzing every section reader (CSV/TSV with a header, REAPER region/marker exports, Audacity
 * labels, JSON, MIDI markers): damaged fixtures, format-shaped nonsense and random bytes. Each case
 * reads as sorted, non-overlapping sections with finite times, or is refused with a FileFormatError
 * that names the file and says what was expected.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { writeMidi, type MidiEvent } from 'midi-file'
import { describe, expect, test } from 'vitest'
import type { SectionSpan } from '../../bridge/analysis/types.js'
import { FileFormatError, parseSections, type SectionFormat } from '../../bridge/sections/index.js'
import { checkSections, expectClearError, fuzzRuns, fuzzSeed, fuzzTimeoutMs, hostileBytes, messageShape, Outcomes, utf8 } from './fuzz-support.js'

const SEED = fuzzSeed(2002)
const RUNS = fuzzRuns(1500)
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'sections')
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)))

function readCase(bytes: Uint8Array, format: SectionFormat | undefined, tempo: number | undefined, outcomes: Outcomes): void {
  const file = `fuzz.${format ?? 'auto'}`
  let sections: SectionSpan[]
  try {
    sections = parseSections(bytes, { file, format, tempo })
  } catch (err) {
    expectClearError(err, [FileFormatError], `${file} (${bytes.length} bytes)`)
    expect((err as Error).message.startsWith(file)).toBe(true)
    outcomes.add(messageShape((err as Error).message))
    return
  }
  checkSections(sections, `${file} (${bytes.length} bytes)`)
  outcomes.add('accepted')
}

const number = fc.oneof(
  fc.double({ noNaN: false }).map(String),
  fc.nat().map(String),
  fc.constantFrom('0', '-1', '1e308', '9'.repeat(400), 'NaN', 'Infinity', '', '1.1.00', '0:10.000', '00:00:10:15', '5.1.00', ' 3 '),
)
const name = fc.oneof(fc.string({ maxLength: 16 }), fc.constantFrom('Verse', '"Chorus, 2"', '<b>Bridge</b>', '\u0000', '   ', 'Café'))
const csvText = fc
  .tuple(
    fc.constantFrom('start,end,name', 'name;start;end', 'Start\tEnd\tLabel', '#,Name,Start,End,Length', 'time,label', 'position,title,length', ''),
    fc.array(fc.array(fc.oneof(number, name), { maxLength: 6 }), { maxLength: 30 }),
    fc.constantFrom(',', ';', '\t'),
  )
  .map(([header, rows, d]) => [header, ...rows.map((r) => r.join(d))].join('\n'))
const reaperText = fc
  .array(fc.tuple(fc.constantFrom('R', 'M', 'X', ''), fc.nat(99), name, number, number, number), { maxLength: 30 })
  .map((rows) => ['#,Name,Start,End,Length', ...rows.map(([k, n, nm, a, b, c]) => `${k}${n},${nm},${a},${b},${c}`)].join('\r\n'))
const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, fc.double(), fc.string({ maxLength: 8 }), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), tie('v'), { maxKeys: 3 })),
})).v
const jsonText = fc
  .oneof(
    fc.array(fc.record({ start: fc.oneof(fc.double(), number, jsonValue), end: fc.option(fc.oneof(fc.double(), number)), length: fc.option(fc.double()), name: fc.oneof(name, jsonValue) }, { requiredKeys: [] }), { maxLength: 20 }),
    fc.dictionary(fc.constantFrom('sections', 'regions', 'markers', 'frames'), jsonValue),
    jsonValue,
  )
  .map((doc) => JSON.stringify(doc) ?? 'null')
const midiMarkers = fc
  .tuple(fc.integer({ min: 1, max: 0x7fff }), fc.array(fc.tuple(fc.integer({ min: 0, max: 0x0fffffff }), fc.constantFrom('marker', 'cuePoint', 'setTempo', 'text'), fc.string({ maxLength: 10 }), fc.integer({ min: 1, max: 0xffffff })), { maxLength: 20 }))
  .map(([tpq, events]) => {
    const track: MidiEvent[] = events.map(([deltaTime, type, text, n]) =>
      type === 'setTempo' ? { deltaTime, meta: true, type, microsecondsPerBeat: n } : ({ deltaTime, meta: true, type, text } as MidiEvent),
    )
    track.push({ deltaTime: 0, meta: true, type: 'endOfTrack' })
    return Uint8Array.from(writeMidi({ header: { format: 1, numTracks: 1, ticksPerBeat: tpq }, tracks: [track] }))
  })

const cases: { name: string; format: SectionFormat; seeds: string[]; shaped: fc.Arbitrary<Uint8Array> }[] = [
  { name: 'CSV/TSV with a header', format: 'csv', seeds: ['sections.csv', 'broken-time.csv', 'labels.txt', 'broken-labels.txt', 'broken-labels-backwards.txt'], shaped: csvText.map(utf8) },
  { name: 'REAPER region/marker export', format: 'csv', seeds: ['reaper-markers.csv', 'reaper-measures.csv', 'reaper-time.csv'], shaped: reaperText.map(utf8) },
  { name: 'JSON', format: 'json', seeds: ['sections.json', 'broken.json', 'broken-backwards.json'], shaped: jsonText.map(utf8) },
  { name: 'MIDI markers', format: 'midi', seeds: ['markers.mid', 'broken-truncated.mid', 'broken-marker.mid', 'broken-late.mid'], shaped: midiMarkers },
]

describe('section file readers under fuzzing', () => {
  for (const c of cases) {
    test(
      `${c.name}: ${RUNS} malformed, truncated and format-shaped files read cleanly or fail with a FileFormatError`,
      () => {
        const seeds = c.seeds.map(fixture)
        const outcomes = new Outcomes()
        fc.assert(
          fc.property(fc.oneof({ weight: 3, arbitrary: hostileBytes(seeds) }, { weight: 2, arbitrary: c.shaped }), fc.boolean(), fc.option(fc.constantFrom(120, 87.5)), (bytes, sniff, tempo) => {
            readCase(bytes, sniff ? undefined : c.format, tempo ?? undefined, outcomes)
          }),
          { numRuns: RUNS, seed: SEED },
        )
        expect(outcomes.total).toBe(RUNS)
        expect(outcomes.counts.get('accepted') ?? 0).toBeGreaterThan(0)
        expect(outcomes.rejected).toBeGreaterThan(0)
      },
      fuzzTimeoutMs(30_000),
    )
  }
})
