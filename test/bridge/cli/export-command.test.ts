import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseMidi } from 'midi-file'
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest'
import { UsageError } from '../../../bridge/cli/args.js'
import { exportCommand } from '../../../bridge/cli/export-command.js'
import { makeAnalysis } from '../export/analysis-fixture.js'

const dir = mkdtempSync(join(tmpdir(), 'emolane-export-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterEach(() => vi.restoreAllMocks())
const analysisPath = join(dir, 'song.analysis.json')
writeFileSync(analysisPath, JSON.stringify(makeAnalysis({ duration: 60 })))

describe('emolane export', () => {
  test('writes a MIDI file with the named mapping to --out and reports the lanes', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const out = join(dir, 'filter.mid')
    expect(await exportCommand.run([analysisPath, '--to', 'mid', '--mapping', 'filter-arousal', '--out', out])).toBe(0)
    const midi = parseMidi(readFileSync(out))
    expect(midi.tracks[1]!.some((e) => e.type === 'controller' && e.controllerType === 74)).toBe(true)
    expect(log.mock.calls[0]![0]).toMatch(/wrote .*filter\.mid .*Filter cutoff \d+ pts/)
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  test('takes a mapping file path and the --14bit flag', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    const mappingPath = join(dir, 'mine.json')
    writeFileSync(mappingPath, JSON.stringify({ name: 'mine', lanes: [{ curve: 'fused.valence', target: { cc: 7 } }] }))
    const out = join(dir, 'mine.mid')
    expect(await exportCommand.run([analysisPath, '--to=mid', `--mapping=${mappingPath}`, '--14bit', '--out', out])).toBe(0)
    const ccs = parseMidi(readFileSync(out)).tracks[1]!.filter((e) => e.type === 'controller').map((e) => (e as { controllerType: number }).controllerType)
    expect(new Set(ccs)).toEqual(new Set([7, 39]))
  })

  test('a bad mapping fails and leaves no file behind', async () => {
    const mappingPath = join(dir, 'bad.json')
    writeFileSync(mappingPath, JSON.stringify({ name: 'bad', lanes: [{ curve: 'fused.valence', target: { cc: 128 } }] }))
    const out = join(dir, 'bad.dawproject')
    await expect(exportCommand.run([analysisPath, '--to', 'dawproject', '--mapping', mappingPath, '--out', out])).rejects.toThrow(/bad.json: mapping bad, lane 1: target.cc must be an integer in \[0, 127\], got 128/)
    expect(existsSync(out)).toBe(false)
  })

  test('--out naming a folder writes the export into it and leaves no .tmp file behind', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    const folder = mkdtempSync(join(dir, 'out-'))
    expect(await exportCommand.run([analysisPath, '--to', 'csv', '--out', folder])).toBe(0)
    const files = readdirSync(folder)
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([])
    expect(files.filter((f) => f.endsWith('.csv'))).toHaveLength(1)
  })

  test('a mapping nested 100,000 deep is refused by depth with a clear message (not "Maximum call stack size exceeded")', async () => {
    const mappingPath = join(dir, 'deep.json')
    writeFileSync(mappingPath, `{"name":"deep","lanes":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)
    const out = join(dir, 'deep.mid')
    await expect(exportCommand.run([analysisPath, '--to', 'mid', '--mapping', mappingPath, '--out', out])).rejects.toThrow(/deep\.json is nested more than 64 levels deep \(arrays and objects\): refused before parsing/)
    const deepAnalysis = join(dir, 'deep.analysis.json')
    writeFileSync(deepAnalysis, '['.repeat(100_000) + ']'.repeat(100_000))
    await expect(exportCommand.run([deepAnalysis, '--to', 'csv', '--out', out])).rejects.toThrow(/nested more than 64 levels deep/)
    expect(existsSync(out)).toBe(false)
  })

  test('usage mistakes are UsageErrors, and a file that is not an analysis says so', async () => {
    await expect(exportCommand.run([analysisPath])).rejects.toThrow(UsageError)
    await expect(exportCommand.run([analysisPath, '--to', 'wav'])).rejects.toThrow(/--to must be one of mid, dawproject, rpp, csv, json, got "wav"/)
    const notAnalysis = join(dir, 'other.json')
    writeFileSync(notAnalysis, '{"hello": 1}')
    await expect(exportCommand.run([notAnalysis, '--to', 'csv'])).rejects.toThrow(/is not an emolane analysis: expected "schema": "emolane.analysis\/1", got undefined/)
  })

  test('--list-mappings prints the presets', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    expect(await exportCommand.run(['--list-mappings'])).toBe(0)
    const text = log.mock.calls.map((c) => c[0]).join('\n')
    for (const name of ['all-curves', 'filter-arousal', 'reverb-sadness', 'cue-track']) expect(text).toContain(name)
  })
})
