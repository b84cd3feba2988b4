import { describe, expect, test, vi } from 'vitest'
import { EXPORT_FORMATS, listMappings } from '../../bridge/export/index.js'
import { fetchExportOptions, parseExportOptions } from '../../panel/export-options.js'
import { BUILT_IN_FORMATS, BUILT_IN_MAPPINGS } from '../../panel/export-presets.js'

describe('export options', () => {
  test("the panel's built-in formats are exactly the formats the bridge exports", () => {
    expect(BUILT_IN_FORMATS.map((f) => f.id)).toEqual([...EXPORT_FORMATS])
  })

  test("the panel's built-in mappings are exactly the shipped mapping presets", async () => {
    const shipped = await listMappings()
    expect(BUILT_IN_MAPPINGS.map((m) => m.name).sort()).toEqual(shipped.map((m) => m.name).sort())
    expect(BUILT_IN_MAPPINGS[0]!.name).toBe('all-curves') // the exporter's default comes first
  })

  test('a bridge that lists its own options is believed; one that has no list gets the built-ins', async () => {
    const listed = vi.fn(async () => Response.json({ formats: ['csv'], mappings: [{ name: 'mine', description: 'x' }] }))
    expect(await fetchExportOptions(listed as unknown as typeof fetch, 't')).toEqual({
      formats: [{ id: 'csv', label: 'csv' }],
      mappings: [{ name: 'mine', description: 'x' }],
      source: 'bridge',
    })
    expect(listed).toHaveBeenCalledWith('/api/export/options?token=t')
    const none = vi.fn(async () => new Response('{}', { status: 404 }))
    expect((await fetchExportOptions(none as unknown as typeof fetch, null)).source).toBe('built-in')
    const refused = vi.fn(async () => new Response('{}', { status: 401 }))
    await expect(fetchExportOptions(refused as unknown as typeof fetch, null)).rejects.toThrow(/answered 401/)
  })

  test('a list without formats or mappings is refused with what it held', () => {
    expect(() => parseExportOptions({ formats: ['csv'] })).toThrow('export options need formats and mappings, got 1 formats and 0 mappings')
  })
})
