import { describe, expect, test } from 'vitest'
import { defaultPreset, listPresets, loadPreset, validatePreset } from '../../../bridge/analysis/presets.js'

describe('analysis presets', () => {
  test('ships default, live-fast and detailed, each valid', async () => {
    const names = await listPresets()
    expect(names).toEqual(expect.arrayContaining(['default', 'live-fast', 'detailed']))
    for (const name of names) expect((await loadPreset(name)).name).toBe(name)
  })

  test('the built-in default is the shipped default.json', async () => {
    expect(await loadPreset('default')).toEqual(defaultPreset)
  })

  test('an unknown preset lists the available ones', async () => {
    await expect(loadPreset('loud')).rejects.toThrow(/available: .*default/)
  })

  test('out-of-range fields are refused, saying which', () => {
    expect(() => validatePreset({ hopSeconds: 0 })).toThrow(/hopSeconds/)
    expect(() => validatePreset({ conflictThreshold: 2 })).toThrow(/conflictThreshold/)
    expect(() => validatePreset({ audioPath: 'gpu' })).toThrow(/audioPath/)
  })

  test('a hop of 0.001 s is refused (it wrote 30,132 readings for a 30 s clip); the shortest allowed is named', () => {
    expect(() => validatePreset({ hopSeconds: 0.001 }, 'tiny.json')).toThrow(/tiny\.json: hopSeconds must be a number in \[0\.1, 60\] seconds, got 0\.001/)
    expect(validatePreset({ hopSeconds: 0.1 }).hopSeconds).toBe(0.1)
  })
})
