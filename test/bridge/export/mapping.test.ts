import { describe, expect, test } from 'vitest'
import { MappingError, resolveMapping, withFourteenBit } from '../../../bridge/export/mapping.js'
import { listMappings, loadMapping } from '../../../bridge/export/mapping-presets.js'

const lane = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ curve: 'fused.arousal', target: { cc: 74 }, ...extra })
const mapping = (lanes: unknown[], extra: Record<string, unknown> = {}): unknown => ({ name: 'test', lanes, ...extra })

describe('resolveMapping', () => {
  test('fills in the defaults of a minimal lane', () => {
    const m = resolveMapping(mapping([lane()]))
    expect(m.tolerance).toBe(0.01)
    expect(m.lanes[0]).toEqual({
      name: 'fused.arousal → CC74 ch1',
      curve: 'fused.arousal',
      target: { cc: 74, channel: 1, bits: 7 },
      range: [0, 1],
      invert: false,
      response: 'linear',
      curvature: 3,
      smoothing: 0,
      tolerance: 0.01,
      missing: 'hold',
      reaper: 'volume',
    })
  })

  test('a lane without a tolerance takes the mapping tolerance', () => {
    expect(resolveMapping(mapping([lane()], { tolerance: 0.05 })).lanes[0]!.tolerance).toBe(0.05)
  })

  test('an unknown curve is refused with the list of curves', () => {
    expect(() => resolveMapping(mapping([lane({ curve: 'fused.happiness' })]))).toThrow(MappingError)
    expect(() => resolveMapping(mapping([lane({ curve: 'fused.happiness' })]))).toThrow(/lane 1: unknown curve "fused.happiness"; expected one of fused.valence, .*conflict/)
  })

  test('a CC number out of range says what it expected', () => {
    expect(() => resolveMapping(mapping([lane({ target: { cc: 128 } })]))).toThrow(/target.cc must be an integer in \[0, 127\], got 128/)
    expect(() => resolveMapping(mapping([lane({ target: { cc: -1 } })]))).toThrow(/\[0, 127\], got -1/)
    expect(() => resolveMapping(mapping([lane({ target: { cc: 7.5 } })]))).toThrow(/got 7.5/)
    expect(() => resolveMapping(mapping([lane({ target: { cc: 40, bits: 14 } })]))).toThrow(/14-bit lanes pair cc with cc \+ 32\) must be an integer in \[0, 31\], got 40/)
    expect(() => resolveMapping(mapping([lane({ target: { cc: 1, channel: 17 } })]))).toThrow(/channel must be an integer in \[1, 16\], got 17/)
  })

  test('two lanes on the same controller are refused, including a 14-bit LSB', () => {
    expect(() => resolveMapping(mapping([lane({ name: 'a' }), lane({ name: 'b', curve: 'fused.valence' })]))).toThrow(/both write CC74 on channel 1/)
    expect(() => resolveMapping(mapping([lane({ name: 'a', target: { cc: 1, bits: 14 } }), lane({ name: 'b', target: { cc: 33 } })]))).toThrow(/both write CC33/)
  })

  test('bad ranges, responses, tolerances and unknown fields are refused', () => {
    expect(() => resolveMapping(mapping([lane({ range: [0.8, 0.2] })]))).toThrow(/min < max \(use "invert": true to flip\)/)
    expect(() => resolveMapping(mapping([lane({ range: [0, 1.5] })]))).toThrow(/range\[1\] must be a number in \[0, 1\], got 1.5/)
    expect(() => resolveMapping(mapping([lane({ response: 'log' })]))).toThrow(/unknown response "log"/)
    expect(() => resolveMapping(mapping([lane({ tolerance: 0 })]))).toThrow(/tolerance must be a number in \[0.0001, 0.5\], got 0/)
    expect(() => resolveMapping(mapping([lane({ smoothing: Number.NaN })]))).toThrow(/smoothing/)
    expect(() => resolveMapping(mapping([lane({ colour: 'red' })]))).toThrow(/unknown field "colour"/)
    expect(() => resolveMapping(mapping([]))).toThrow(/lanes must be a non-empty array/)
    expect(() => resolveMapping('filter-arousal')).toThrow(/must be a JSON object/)
  })

  test('14-bit export is refused for a lane above CC 31', () => {
    expect(() => withFourteenBit(resolveMapping(mapping([lane()])))).toThrow(/CC74; 14-bit pairs exist only for CC 0..31/)
    expect(withFourteenBit(resolveMapping(mapping([lane({ target: { cc: 11 } })]))).lanes[0]!.target.bits).toBe(14)
  })
})

describe('mapping presets', () => {
  test('every preset loads, and the four common mappings are there', async () => {
    const names = (await listMappings()).map((m) => m.name)
    expect(names).toEqual(expect.arrayContaining(['all-curves', 'filter-arousal', 'reverb-sadness', 'cue-track']))
    for (const name of names) expect((await loadMapping(name)).name).toBe(name)
  })

  test('filter-arousal drives CC74 from arousal', async () => {
    const m = await loadMapping('filter-arousal')
    expect(m.lanes[0]).toMatchObject({ curve: 'fused.arousal', target: { cc: 74, channel: 1 } })
  })

  test('an unknown preset name lists the presets', async () => {
    await expect(loadMapping('filter-valence')).rejects.toThrow(/unknown mapping "filter-valence"; presets are .*all-curves.*filter-arousal/)
  })

  test('a missing mapping file names the path', async () => {
    await expect(loadMapping('/nonexistent/mapping.json')).rejects.toThrow(/cannot read mapping file \/nonexistent\/mapping.json/)
  })
})
