import fc from 'fast-check'
import { parseMidi, writeMidi } from 'midi-file'
import { describe, expect, test } from 'vitest'
import { buildTempoMap, FileFormatError, metaTexts, META, readSmf } from '../../../bridge/midi/index.js'
import { FileFormatError as LyricsFileFormatError } from '../../../bridge/lyrics/file-format-error.js'

const tpq = 96

describe('Standard MIDI File reader', () => {
  test('agrees with an independent parser on every meta text event and tempo in random files', () => {
    const event = fc.oneof(
      fc.record({ deltaTime: fc.nat(2000), type: fc.constant('lyrics' as const), text: fc.string({ unit: 'binary-ascii', maxLength: 8 }) }),
      fc.record({ deltaTime: fc.nat(2000), type: fc.constant('marker' as const), text: fc.string({ unit: 'binary-ascii', maxLength: 8 }) }),
      fc.record({ deltaTime: fc.nat(2000), type: fc.constant('setTempo' as const), microsecondsPerBeat: fc.integer({ min: 1, max: 0xffffff }) }),
      fc.record({ deltaTime: fc.nat(2000), type: fc.constant('noteOn' as const), channel: fc.nat(15), noteNumber: fc.nat(127), velocity: fc.nat(127) }),
    )
    fc.assert(
      fc.property(fc.array(fc.array(event, { maxLength: 20 }), { minLength: 1, maxLength: 3 }), (tracks) => {
        const data = { header: { format: 1 as const, numTracks: tracks.length, ticksPerBeat: tpq }, tracks: tracks.map((t) => [...t, { deltaTime: 0, type: 'endOfTrack' as const }]) }
        const bytes = Uint8Array.from(writeMidi(data as never, { running: true }))
        const ours = readSmf(bytes)
        const theirs = parseMidi(bytes)
        expect(ours.tracks.length).toBe(theirs.tracks.length)
        const texts = metaTexts(ours, [META.lyric, META.marker]).map((t) => [t.track, t.tick, String.fromCharCode(...t.bytes)])
        const expected: [number, number, string][] = []
        theirs.tracks.forEach((track, k) => {
          let tick = 0
          for (const e of track) {
            tick += e.deltaTime
            if (e.type === 'lyrics' || e.type === 'marker') expected.push([k, tick, e.text])
          }
        })
        expected.sort((a, b) => a[1] - b[1] || a[0] - b[0])
        expect(texts).toEqual(expected)
      }),
      { numRuns: 200 },
    )
  })

  test('ticks to seconds follows every tempo change', () => {
    const bytes = Uint8Array.from(
      writeMidi({
        header: { format: 0, numTracks: 1, ticksPerBeat: tpq },
        tracks: [[
          { deltaTime: 0, type: 'setTempo', microsecondsPerBeat: 1_000_000 },
          { deltaTime: 2 * tpq, type: 'setTempo', microsecondsPerBeat: 250_000 },
          { deltaTime: 4 * tpq, type: 'timeSignature', numerator: 6, denominator: 8, metronome: 24, thirtyseconds: 8 },
          { deltaTime: 0, type: 'endOfTrack' },
        ]],
      } as never),
    )
    const map = buildTempoMap(readSmf(bytes))
    expect(map.tempos.map((t) => [t.bpm, t.time])).toEqual([
      [60, 0],
      [240, 2],
    ])
    expect(map.seconds(tpq)).toBe(1)
    expect(map.seconds(6 * tpq)).toBe(3)
    expect(map.timeSignatures).toEqual([{ tick: 6 * tpq, time: 3, numerator: 6, denominator: 8 }])
  })

  test('a file without tempo events runs at 120 bpm', () => {
    const bytes = Uint8Array.from(writeMidi({ header: { format: 0, numTracks: 1, ticksPerBeat: tpq }, tracks: [[{ deltaTime: 0, type: 'endOfTrack' }]] } as never))
    expect(buildTempoMap(readSmf(bytes)).seconds(tpq)).toBe(0.5)
  })

  test('SMPTE division counts frames, not beats', () => {
    const bytes = Uint8Array.from(writeMidi({ header: { format: 0, numTracks: 1, framesPerSecond: 25, ticksPerFrame: 40 }, tracks: [[{ deltaTime: 0, type: 'endOfTrack' }]] } as never))
    const midi = readSmf(bytes)
    expect(midi.division).toEqual({ kind: 'smpte', framesPerSecond: 25, ticksPerFrame: 40 })
    expect(buildTempoMap(midi).seconds(1000)).toBe(1)
  })

  test('reads the SMF inside a RIFF RMID wrapper', () => {
    const smf = Uint8Array.from(writeMidi({ header: { format: 0, numTracks: 1, ticksPerBeat: tpq }, tracks: [[{ deltaTime: 5, type: 'marker', text: 'Go' }, { deltaTime: 0, type: 'endOfTrack' }]] } as never))
    const riff = Buffer.alloc(20 + smf.length)
    riff.write('RIFF', 0)
    riff.writeUInt32LE(12 + smf.length, 4)
    riff.write('RMID', 8)
    riff.write('data', 12)
    riff.writeUInt32LE(smf.length, 16)
    riff.set(smf, 20)
    expect(metaTexts(readSmf(riff), [META.marker])[0]!.tick).toBe(5)
  })

  test('not a MIDI file, and a data byte with no running status, name the byte', () => {
    expect(() => readSmf(new TextEncoder().encode('hello world, not midi'), 'x.mid')).toThrow(/x\.mid: byte 0: expected a Standard MIDI File \("MThd" header\), got "hell"/)
    const header = [0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0, 96]
    const track = [0x4d, 0x54, 0x72, 0x6b, 0, 0, 0, 3, 0x00, 0x40, 0x40]
    expect(() => readSmf(Uint8Array.from([...header, ...track]), 'y.mid')).toThrow(/y\.mid: byte 23: track 1: expected a status byte, got data byte 0x40/)
    expect(FileFormatError).toBe(LyricsFileFormatError)
  })

  test('random bytes after a valid header give a FileFormatError or a file, never a crash', () => {
    const header = [0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 1, 0, 2, 0, 96, 0x4d, 0x54, 0x72, 0x6b]
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => {
        try {
          readSmf(Uint8Array.from([...header, ...tail]))
        } catch (err) {
          expect(err).toBeInstanceOf(FileFormatError)
        }
      }),
      { numRuns: 500 },
    )
  })
})
