import { describe, expect, test } from 'vitest'
import { AnalysisError, EXPORT_FORMATS, exportAnalysis, listMappings, MappingError, type Mapping } from '../../../bridge/export/index.js'
import { makeAnalysis } from './analysis-fixture.js'

describe('exportAnalysis', () => {
  test('every format exports every preset mapping, named after the song and the mapping', async () => {
    const a = makeAnalysis({ duration: 60, lyricSpans: [] })
    const presets = (await listMappings()).map((m) => m.name)
    const ext = { mid: '.mid', dawproject: '.dawproject', rpp: '.RTrackTemplate', csv: '.csv', json: '.json' }
    for (const to of EXPORT_FORMATS) {
      for (const mapping of presets) {
        const r = await exportAnalysis(a, { to, mapping })
        expect(r.filename).toBe(`Test Song-${mapping}${ext[to]}`)
        expect(r.bytes.length).toBeGreaterThan(100)
        for (const lane of r.lanes) expect(lane.points).toBeGreaterThan(0)
      }
    }
  })

  test('with no mapping named, all main curves go out (lyrics lanes flat where nothing is sung)', async () => {
    const r = await exportAnalysis(makeAnalysis({ lyricSpans: [] }), { to: 'json' })
    expect(r.filename).toBe('Test Song-all-curves.json')
    expect(r.lanes.map((l) => l.name)).toContain('Lyrics valence')
  })

  test('a 5-minute song at 10 frames a second exports hundreds of points per lane, not thousands', async () => {
    const a = makeAnalysis({ duration: 300, hop: 0.1 })
    const r = await exportAnalysis(a, { to: 'dawproject', mapping: 'all-curves' })
    for (const lane of r.lanes) {
      expect(lane.frames).toBe(a.frames.length)
      expect(lane.points).toBeLessThan(1000)
      expect(lane.points).toBeLessThan(lane.frames / 5)
    }
  })

  test('bad requests fail with a clear error and no file', async () => {
    const a = makeAnalysis()
    await expect(exportAnalysis(a, { to: 'wav' as never })).rejects.toThrow(/export format must be one of mid, dawproject, rpp, csv, json, got "wav"/)
    await expect(exportAnalysis({ ...a, frames: [] }, { to: 'mid' })).rejects.toThrow(AnalysisError)
    await expect(exportAnalysis({ ...a, frames: [] }, { to: 'mid' })).rejects.toThrow(/has no frames: nothing to export/)
    await expect(exportAnalysis(a, { to: 'mid', mapping: 'no-such-mapping' })).rejects.toThrow(/unknown mapping "no-such-mapping"/)
    const unknownCurve = { name: 'x', lanes: [{ curve: 'fused.sadness', target: { cc: 1 } }] } as unknown as Mapping
    await expect(exportAnalysis(a, { to: 'dawproject', mapping: unknownCurve })).rejects.toThrow(MappingError)
    const ccTooHigh = { name: 'x', lanes: [{ curve: 'fused.valence', target: { cc: 300 } }] } as Mapping
    await expect(exportAnalysis(a, { to: 'mid', mapping: ccTooHigh })).rejects.toThrow(/target.cc must be an integer in \[0, 127\], got 300/)
    await expect(exportAnalysis(a, { to: 'mid', mapping: 'filter-arousal', fourteenBit: true })).rejects.toThrow(/14-bit pairs exist only for CC 0..31/)
    await expect(exportAnalysis(a, { to: 'dawproject', timeUnit: 'bars' as never })).rejects.toThrow(/timeUnit must be 'seconds' or 'beats'/)
  })

  test('a file path as mapping is refused (the HTTP route passes request text here), without reading it', async () => {
    await expect(exportAnalysis(makeAnalysis(), { to: 'csv', mapping: '/etc/passwd' })).rejects.toThrow(/mapping must be a preset name \(see listMappings\) or a mapping object, got "\/etc\/passwd"/)
    await expect(exportAnalysis(makeAnalysis(), { to: 'csv', mapping: 'package.json' })).rejects.toThrow(/must be a preset name/)
    await expect(exportAnalysis(makeAnalysis(), { to: 'csv', mapping: '../secrets.json' })).rejects.toThrow(MappingError)
  })

  test('a NaN in the analysis is reported with the frame time, not written into the file', async () => {
    const a = makeAnalysis()
    a.frames[10]!.valence = Number.NaN
    await expect(exportAnalysis(a, { to: 'csv', mapping: 'all-curves' })).rejects.toThrow(/frame at t=8 s has fused.valence = NaN/)
  })

  test('a live analysis and odd characters in the source give a safe file name', async () => {
    expect((await exportAnalysis({ ...makeAnalysis(), source: 'live' }, { to: 'csv', mapping: 'cue-track' })).filename).toBe('emolane-cue-track.csv')
    expect((await exportAnalysis({ ...makeAnalysis(), source: 'C:\\songs\\a:b*c?.flac' }, { to: 'csv', mapping: 'cue-track' })).filename).toBe('a_b_c_-cue-track.csv')
  })
})
