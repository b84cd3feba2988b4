import fc from 'fast-check'
import { expect, test } from 'vitest'
import { TempoMap } from '../../../bridge/export/tempo-map.js'

test('a constant tempo maps seconds onto beats at bpm / 60 per second, and ticks at ppq per beat', () => {
  const map = TempoMap.constant(90)
  expect(map.secondsToBeats(2)).toBe(3)
  expect(map.beatsToSeconds(3)).toBe(2)
  expect(map.secondsToTicks(2, 960)).toBe(2880)
})

test('an unknown or absurd tempo falls back to 120 bpm', () => {
  for (const bpm of [null, undefined, Number.NaN, 0, -5, 5000]) expect(TempoMap.constant(bpm).changes[0]!.bpm).toBe(120)
})

test('with tempo changes, seconds and beats convert both ways', () => {
  const map = new TempoMap([
    { beat: 0, bpm: 120 },
    { beat: 8, bpm: 60 },
  ])
  expect(map.secondsToBeats(4)).toBe(8)
  expect(map.secondsToBeats(6)).toBe(10)
  fc.assert(
    fc.property(fc.double({ min: 0, max: 600, noNaN: true }), (t) => {
      expect(map.beatsToSeconds(map.secondsToBeats(t))).toBeCloseTo(t, 9)
    }),
  )
})

test('a map that does not start at beat 0 or goes backwards is refused', () => {
  expect(() => new TempoMap([{ beat: 1, bpm: 120 }])).toThrow(/must start with a change at beat 0/)
  expect(() => new TempoMap([{ beat: 0, bpm: 120 }, { beat: 0, bpm: 90 }])).toThrow(/increasing beat order/)
})

test('a map from tempo changes at song times: the first holds from 0, later ones from their time', () => {
  const map = TempoMap.fromTimes([
    { time: 2, bpm: 120 },
    { time: 10, bpm: 90 },
    { time: 20, bpm: 180 },
  ])
  expect(map.changes.map((c) => [c.beat, c.bpm, c.seconds])).toEqual([
    [0, 120, 0],
    [20, 90, 10],
    [35, 180, 20],
  ])
  expect(map.secondsToBeats(12)).toBe(23)
  expect(() => TempoMap.fromTimes([])).toThrow(/needs at least one tempo/)
  expect(() => TempoMap.fromTimes([{ time: 5, bpm: 120 }, { time: 5, bpm: 90 }])).toThrow(/increasing song times, got 5 s after 5 s/)
})
