import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { unzipSync, strFromU8 } from 'fflate'
import { Window } from 'happy-dom'
import { afterAll, describe, expect, test } from 'vitest'
import { exportAnalysis, type Mapping } from '../../../bridge/export/index.js'
import { makeAnalysis } from './analysis-fixture.js'
import { expectLaneMatches, shapedMapping, toleranceOf } from './shaped-mapping-fixture.js'

/** Bitwig's published schemas, copied next to this test (see dawproject-xsd/README.md). */
const XSD_DIR = resolve(__dirname, 'dawproject-xsd')
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0
const work = mkdtempSync(join(tmpdir(), 'emolane-dawproject-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** Validates an XML document against an XSD with xmllint; returns xmllint's complaint, or '' when valid. */
function xmllintErrors(xml: string, xsd: string, name: string): string {
  const file = join(work, name)
  writeFileSync(file, xml)
  const r = spawnSync('xmllint', ['--noout', '--schema', join(XSD_DIR, xsd), file], { encoding: 'utf8' })
  return r.status === 0 ? '' : r.stderr
}

/** Reads automation lanes back from project.xml with a DOM parser (not the writer's code). */
function readLanes(xml: string): { unit: string; tempo: number; lanes: { name: string; channel: number; controller: number; points: { time: number; value: number }[] }[] } {
  const doc = new new Window().DOMParser().parseFromString(xml, 'application/xml')
  const tempo = Number(doc.getElementsByTagName('Tempo')[0]!.getAttribute('value'))
  const arrangementLanes = doc.getElementsByTagName('Arrangement')[0]!.getElementsByTagName('Lanes')[0]!
  const unit = arrangementLanes.getAttribute('timeUnit')!
  const lanes = [...doc.getElementsByTagName('Points')].map((p) => {
    const target = p.getElementsByTagName('Target')[0]!
    expect(target.getAttribute('expression')).toBe('channelController')
    return {
      name: p.getAttribute('name')!,
      channel: Number(target.getAttribute('channel')),
      controller: Number(target.getAttribute('controller')),
      points: [...p.getElementsByTagName('RealPoint')].map((rp) => {
        expect(rp.getAttribute('interpolation')).toBe('linear')
        return { time: Number(rp.getAttribute('time')), value: Number(rp.getAttribute('value')) }
      }),
    }
  })
  return { unit, tempo, lanes }
}

/** Linear interpolation of read-back points at time t (held before the first and after the last). */
function rampAt(points: { time: number; value: number }[], t: number): number {
  if (t <= points[0]!.time) return points[0]!.value
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!
    const b = points[i]!
    if (t <= b.time) return a.value + ((b.value - a.value) * (t - a.time)) / (b.time - a.time)
  }
  return points[points.length - 1]!.value
}

/** Beats to seconds through a project's TempoAutomation (held bpm points in beats), or its one Tempo when it has none. */
function beatsToSecondsOf(xml: string): (beat: number) => number {
  const doc = new new Window().DOMParser().parseFromString(xml, 'application/xml')
  const automation = doc.getElementsByTagName('TempoAutomation')[0]
  const changes = automation
    ? [...automation.getElementsByTagName('RealPoint')].map((p) => {
        expect(p.getAttribute('interpolation')).toBe('hold')
        return { beat: Number(p.getAttribute('time')), bpm: Number(p.getAttribute('value')) }
      })
    : [{ beat: 0, bpm: Number(doc.getElementsByTagName('Tempo')[0]!.getAttribute('value')) }]
  return (beat) => {
    let seconds = 0
    for (let i = 0; i < changes.length; i++) {
      const from = changes[i]!.beat
      const to = i + 1 < changes.length ? Math.min(beat, changes[i + 1]!.beat) : beat
      if (to > from) seconds += ((to - from) * 60) / changes[i]!.bpm
    }
    return seconds
  }
}

const mapping = {
  name: 'dp-test',
  tolerance: 0.01,
  lanes: [
    { name: 'Valence & <joy>', curve: 'fused.valence', target: { cc: 20, channel: 2 } },
    { name: 'Conflict', curve: 'conflict', target: { cc: 21, channel: 2 }, tolerance: 0.005 },
  ],
} as Mapping

async function exportDawproject(timeUnit: 'seconds' | 'beats', tempo: number | null) {
  const a = makeAnalysis({ duration: 90, tempo })
  const r = await exportAnalysis(a, { to: 'dawproject', mapping, timeUnit })
  expect(r.filename).toBe('Test Song-dp-test.dawproject')
  const files = unzipSync(r.bytes)
  expect(Object.keys(files).sort()).toEqual(['metadata.xml', 'project.xml'])
  return { a, project: strFromU8(files['project.xml']!), metadata: strFromU8(files['metadata.xml']!), zip: r.bytes }
}

describe('DAWproject export', () => {
  test.skipIf(!hasXmllint)('project.xml and metadata.xml are valid against the published XSDs', async () => {
    const { project, metadata } = await exportDawproject('seconds', 96)
    expect(xmllintErrors(project, 'Project.xsd', 'project.xml')).toBe('')
    expect(xmllintErrors(metadata, 'MetaData.xsd', 'metadata.xml')).toBe('')
    const beats = await exportDawproject('beats', null)
    expect(xmllintErrors(beats.project, 'Project.xsd', 'project-beats.xml')).toBe('')
  })

  test.skipIf(!hasXmllint)('the XSD check can fail: a Points lane without a Target is rejected', async () => {
    const { project } = await exportDawproject('seconds', 96)
    const broken = project.replace(/<Target [^>]*\/>/, '')
    expect(xmllintErrors(broken, 'Project.xsd', 'broken.xml')).toMatch(/Target/)
  })

  test('automation points in seconds read back on their MIDI CC targets within tolerance at every frame', async () => {
    const { a, project } = await exportDawproject('seconds', 96)
    const { unit, lanes } = readLanes(project)
    expect(unit).toBe('seconds')
    expect(lanes.map((l) => [l.name, l.channel, l.controller])).toEqual([
      ['Valence & <joy>', 1, 20],
      ['Conflict', 1, 21],
    ])
    expect(lanes[0]!.points.length).toBeLessThan(a.frames.length / 2)
    for (const f of a.frames) {
      expect(Math.abs(rampAt(lanes[0]!.points, f.t) - (f.valence + 1) / 2)).toBeLessThanOrEqual(0.01)
      expect(Math.abs(rampAt(lanes[1]!.points, f.t) - (f.t >= 60 ? 0.8 : 0))).toBeLessThanOrEqual(0.005)
    }
  })

  test('points in beats follow the tempo (120 bpm where the analysis knows none)', async () => {
    const { a, project } = await exportDawproject('beats', null)
    const { unit, tempo, lanes } = readLanes(project)
    expect(unit).toBe('beats')
    expect(tempo).toBe(120)
    const inSeconds = lanes[0]!.points.map((p) => ({ time: (p.time * 60) / tempo, value: p.value }))
    for (const f of a.frames) expect(Math.abs(rampAt(inSeconds, f.t) - (f.valence + 1) / 2)).toBeLessThanOrEqual(0.01)
  })

  test('points in beats on a tempo map (120 bpm, then 90 from 10 s) convert back to the frame times, and the changes become tempo automation', async () => {
    const a = { ...makeAnalysis({ duration: 60, tempo: 90 }), tempoMap: [{ time: 0, bpm: 120 }, { time: 10, bpm: 90 }] }
    const beats = await exportAnalysis(a, { to: 'dawproject', mapping, timeUnit: 'beats' })
    const project = strFromU8(unzipSync(beats.bytes)['project.xml']!)
    if (hasXmllint) expect(xmllintErrors(project, 'Project.xsd', 'project-tempo-map.xml')).toBe('')
    const { unit, tempo, lanes } = readLanes(project)
    expect(unit).toBe('beats')
    expect(tempo).toBe(120)
    const doc = new new Window().DOMParser().parseFromString(project, 'application/xml')
    const automation = doc.getElementsByTagName('TempoAutomation')[0]!
    expect(automation.getAttribute('timeUnit')).toBe('beats')
    expect(automation.getElementsByTagName('Target')[0]!.getAttribute('parameter')).toBe('tempo')
    const changes = [...automation.getElementsByTagName('RealPoint')].map((p) => [Number(p.getAttribute('time')), Number(p.getAttribute('value')), p.getAttribute('interpolation')])
    expect(changes).toEqual([
      [0, 120, 'hold'],
      [20, 90, 'hold'],
    ])
    // beats to seconds through those changes: 2 beats a second up to beat 20, then 1.5
    const toSeconds = (beat: number): number => (beat <= 20 ? beat / 2 : 10 + (beat - 20) / 1.5)
    const inSeconds = lanes[0]!.points.map((p) => ({ time: toSeconds(p.time), value: p.value }))
    expect(lanes[0]!.points.at(-1)!.time).toBeGreaterThan(20)
    for (const f of a.frames) expect(Math.abs(rampAt(inSeconds, f.t) - (f.valence + 1) / 2)).toBeLessThanOrEqual(0.01)
    // in seconds the points need no map, and equal the beat points' times converted back
    const seconds = readLanes(strFromU8(unzipSync((await exportAnalysis(a, { to: 'dawproject', mapping, timeUnit: 'seconds' })).bytes)['project.xml']!))
    expect(seconds.lanes[0]!.points.map((p) => p.time)).toEqual(inSeconds.map((p) => expect.closeTo(p.time, 6)))
  })

  test('the zip opens with the system unzip tool when it is installed', async () => {
    const hasUnzip = spawnSync('unzip', ['-v']).status === 0
    if (!hasUnzip) return
    const { zip } = await exportDawproject('seconds', 96)
    const file = join(work, 'song.dawproject')
    writeFileSync(file, zip)
    expect(execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n').sort()).toEqual(['metadata.xml', 'project.xml'])
  })

  test('section markers and the title land in the project and metadata', async () => {
    const { project, metadata } = await exportDawproject('seconds', 96)
    const doc = new new Window().DOMParser().parseFromString(project, 'application/xml')
    expect([...doc.getElementsByTagName('Marker')].map((m) => [m.getAttribute('name'), Number(m.getAttribute('time'))])).toEqual([
      ['Verse', 0],
      ['Chorus', 30],
      ['Bridge', 60],
    ])
    expect(metadata).toContain('<Title>Test Song (emolane dp-test)</Title>')
  })

  test('a shaped mapping (inverted sub-range, exponential, smoothed S-curve, lyric polarity, conflict) is valid against the XSD and reads back matching the mapped curve at every frame, in seconds and in beats on a tempo map', async () => {
    const a = { ...makeAnalysis({ duration: 150, tempo: 90 }), tempoMap: [{ time: 0, bpm: 128 }, { time: 47.3, bpm: 90 }] }
    for (const timeUnit of ['seconds', 'beats'] as const) {
      const r = await exportAnalysis(a, { to: 'dawproject', mapping: shapedMapping, timeUnit })
      const project = strFromU8(unzipSync(r.bytes)['project.xml']!)
      if (hasXmllint) expect(xmllintErrors(project, 'Project.xsd', `project-shaped-${timeUnit}.xml`)).toBe('')
      const { unit, lanes } = readLanes(project)
      expect(unit).toBe(timeUnit)
      expect(lanes.map((l) => [l.name, l.channel, l.controller])).toEqual(shapedMapping.lanes.map((l) => [l.name, 3, l.target.cc]))
      const toSeconds = timeUnit === 'beats' ? beatsToSecondsOf(project) : (t: number) => t
      shapedMapping.lanes.forEach((spec, i) => {
        const points = lanes[i]!.points.map((p) => ({ time: toSeconds(p.time), value: p.value }))
        expect(points[0]!.time).toBe(0)
        expect(points.length).toBeLessThan(a.frames.length / 2)
        // values are written with 9 decimals: far below the tolerance
        expectLaneMatches(a, spec, (t) => rampAt(points, t), toleranceOf(shapedMapping, spec) + 1e-9)
      })
    }
  })
})


if (!hasXmllint) console.warn('xmllint not found: DAWproject XSD validation skipped (install libxml2-utils)')
