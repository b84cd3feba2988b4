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

  test('with a tempo map, formats in seconds (REAPER, JSON, CSV times) are unchanged and CSV beats follow the map', async () => {
    const plain = makeAnalysis({ duration: 40, tempo: 120 })
    const mapped = { ...plain, tempoMap: [{ time: 0, bpm: 120 }, { time: 10, bpm: 90 }] }
    for (const to of ['rpp', 'json'] as const) {
      expect(new TextDecoder().decode((await exportAnalysis(mapped, { to, mapping: 'filter-arousal' })).bytes)).toBe(new TextDecoder().decode((await exportAnalysis(plain, { to, mapping: 'filter-arousal' })).bytes))
    }
    const rows = (x: typeof plain) => exportAnalysis(x, { to: 'csv', mapping: 'filter-arousal' }).then((r) => new TextDecoder().decode(r.bytes).trim().split('\r\n').slice(1).map((l) => l.split(',')))
    const [a, b] = [await rows(plain), await rows(mapped)]
    expect(b.map((r) => r[4])).toEqual(a.map((r) => r[4]))
    for (const r of b) {
      const t = Number(r[4])
      expect(Number(r[5])).toBeCloseTo(t <= 10 ? 2 * t : 20 + 1.5 * (t - 10), 6)
    }
  })

  test('a broken tempo map is refused naming the entry; an empty one falls back to the tempo', async () => {
    const a = makeAnalysis({ tempo: 96 })
    await expect(exportAnalysis({ ...a, tempoMap: [{ time: 0, bpm: 120 }, { time: 0, bpm: 90 }] }, { to: 'mid' })).rejects.toThrow(/analysis tempoMap\[1\] is \{"time":0,"bpm":90\}; expected \{time: seconds >= 0, after the change before it, bpm: 1..1000\}/)
    await expect(exportAnalysis({ ...a, tempoMap: [{ time: 0, bpm: Number.NaN }] }, { to: 'dawproject' })).rejects.toThrow(AnalysisError)
    const empty = await exportAnalysis({ ...a, tempoMap: [] }, { to: 'json', mapping: 'filter-arousal' })
    expect(JSON.parse(new TextDecoder().decode(empty.bytes)).tempo).toBe(96)
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
