import { describe, expect, test } from 'vitest'
import { exportAnalysis, type Mapping } from '../../../bridge/export/index.js'
import { makeAnalysis } from './analysis-fixture.js'
import { expectLaneMatches, shapedMapping, toleranceOf } from './shaped-mapping-fixture.js'

/** A node of REAPER's chunk syntax: `<TAG args` opens, lines inside are `KEY args`, `>` closes. */
type RppNode = { tag: string; args: string[]; lines: string[][]; children: RppNode[] }

/** Splits an RPP line into tokens; REAPER quotes with ", ' or ` and leaves other tokens bare. */
function tokenize(line: string): string[] {
  const tokens: string[] = []
  let i = 0
  while (i < line.length) {
    if (line[i] === ' ' || line[i] === '\t') {
      i++
      continue
    }
    const q = line[i]!
    if (q === '"' || q === "'" || q === '`') {
      const end = line.indexOf(q, i + 1)
      if (end < 0) throw new Error(`unterminated quote in ${JSON.stringify(line)}`)
      tokens.push(line.slice(i + 1, end))
      i = end + 1
    } else {
      let end = i
      while (end < line.length && line[end] !== ' ' && line[end] !== '\t') end++
      tokens.push(line.slice(i, end))
      i = end
    }
  }
  return tokens
}

/** Parses RPP text into top-level chunks; throws on unbalanced brackets. */
function parseRpp(text: string): RppNode[] {
  const root: RppNode = { tag: '', args: [], lines: [], children: [] }
  const stack = [root]
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line) continue
    if (line.startsWith('<')) {
      const [tag, ...args] = tokenize(line.slice(1))
      const node = { tag: tag!, args, lines: [], children: [] }
      stack[stack.length - 1]!.children.push(node)
      stack.push(node)
    } else if (line === '>') {
      if (stack.length === 1) throw new Error('">" without an open chunk')
      stack.pop()
    } else {
      stack[stack.length - 1]!.lines.push(tokenize(line))
    }
  }
  if (stack.length !== 1) throw new Error(`${stack.length - 1} chunk(s) left open`)
  return root.children
}

const value = (node: RppNode, key: string): string[] | undefined => node.lines.find((l) => l[0] === key)?.slice(1)

function rampAt(points: { t: number; v: number }[], t: number): number {
  if (t <= points[0]!.t) return points[0]!.v
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!
    const b = points[i]!
    if (t <= b.t) return a.v + ((b.v - a.v) * (t - a.t)) / (b.t - a.t)
  }
  return points[points.length - 1]!.v
}

const mapping = {
  name: 'rpp-test',
  tolerance: 0.01,
  lanes: [
    { name: 'Arousal "level"', curve: 'fused.arousal', target: { cc: 1 }, reaper: 'volume' },
    { name: 'Valence', curve: 'fused.valence', target: { cc: 2 }, reaper: 'pan' },
  ],
} as Mapping

describe('REAPER export', () => {
  test('a track template holds one track per lane with envelope points matching the curve at every frame', async () => {
    const a = makeAnalysis({ duration: 90 })
    const r = await exportAnalysis(a, { to: 'rpp', mapping })
    expect(r.filename).toBe('Test Song-rpp-test.RTrackTemplate')
    const chunks = parseRpp(new TextDecoder().decode(r.bytes))
    expect(chunks.map((c) => c.tag)).toEqual(['TRACK', 'TRACK'])
    expect(chunks.map((c) => value(c, 'NAME')![0])).toEqual(['emolane: Arousal "level"', 'emolane: Valence'])
    const [vol, pan] = chunks.map((c) => c.children[0]!)
    expect(vol!.tag).toBe('VOLENV2')
    expect(pan!.tag).toBe('PANENV2')
    const points = (env: RppNode) =>
      env.lines
        .filter((l) => l[0] === 'PT')
        .map((l) => {
          expect(l[3]).toBe('0') // linear shape
          return { t: Number(l[1]), v: Number(l[2]) }
        })
    const volPoints = points(vol!)
    const panPoints = points(pan!)
    expect(volPoints.length).toBeLessThan(a.frames.length / 2)
    for (const f of a.frames) {
      // volume stores amplitude 0..1 for the lane's 0..1; pan stores -1..1.
      expect(Math.abs(rampAt(volPoints, f.t) - (f.arousal + 1) / 2)).toBeLessThanOrEqual(0.01)
      expect(Math.abs((rampAt(panPoints, f.t) + 1) / 2 - (f.valence + 1) / 2)).toBeLessThanOrEqual(0.01)
    }
    expect(value(vol!, 'ACT')).toEqual(['1', '-1'])
  })

  test('GUIDs are well formed, unique, and the same on every export of the same analysis', async () => {
    const a = makeAnalysis()
    const text1 = new TextDecoder().decode((await exportAnalysis(a, { to: 'rpp', mapping })).bytes)
    const text2 = new TextDecoder().decode((await exportAnalysis(a, { to: 'rpp', mapping })).bytes)
    expect(text1).toBe(text2)
    const guids = text1.match(/\{[0-9A-F-]+\}/g)!
    for (const g of guids) expect(g).toMatch(/^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/)
    const chunks = parseRpp(text1)
    const ids = chunks.flatMap((c) => [value(c, 'TRACKID')![0], value(c.children[0]!, 'EGUID')![0]])
    expect(new Set(ids).size).toBe(ids.length)
  })

  test('the project kind wraps the tracks in a REAPER_PROJECT with the tempo and section markers', async () => {
    const r = await exportAnalysis(makeAnalysis({ tempo: 132 }), { to: 'rpp', mapping, rppKind: 'project' })
    expect(r.filename).toBe('Test Song-rpp-test.RPP')
    const [project, ...rest] = parseRpp(new TextDecoder().decode(r.bytes))
    expect(rest).toEqual([])
    expect(project!.tag).toBe('REAPER_PROJECT')
    expect(value(project!, 'TEMPO')).toEqual(['132', '4', '4'])
    expect(project!.lines.filter((l) => l[0] === 'MARKER').map((l) => [l[2], l[3]])).toEqual([
      ['0', 'Verse'],
      ['20', 'Chorus'],
      ['40', 'Bridge'],
    ])
    expect(project!.children.map((c) => c.tag)).toEqual(['TRACK', 'TRACK'])
  })

  test('a shaped mapping (inverted sub-range, exponential, smoothed S-curve, lyric polarity, conflict) reads back from its envelopes matching the mapped curve at every frame', async () => {
    const a = makeAnalysis({ duration: 150, tempo: 104 })
    const r = await exportAnalysis(a, { to: 'rpp', mapping: shapedMapping, rppKind: 'project' })
    const [project] = parseRpp(new TextDecoder().decode(r.bytes))
    const tracks = project!.children.filter((c) => c.tag === 'TRACK')
    expect(tracks.map((c) => value(c, 'NAME')![0])).toEqual(shapedMapping.lanes.map((l) => `emolane: ${l.name}`))
    // stored value -> the lane's 0..1: volume stores amplitude 0..1, pan and width store -1..1
    const chunks = { VOLENV2: (v: number) => v, PANENV2: (v: number) => (v + 1) / 2, WIDTHENV2: (v: number) => (v + 1) / 2 } as Record<string, (v: number) => number>
    expect(tracks.map((c) => c.children[0]!.tag)).toEqual(['VOLENV2', 'VOLENV2', 'WIDTHENV2', 'PANENV2', 'VOLENV2'])
    shapedMapping.lanes.forEach((spec, i) => {
      const env = tracks[i]!.children[0]!
      const points = env.lines
        .filter((l) => l[0] === 'PT')
        .map((l) => {
          expect(l[3]).toBe('0') // linear shape
          return { t: Number(l[1]), v: chunks[env.tag]!(Number(l[2])) }
        })
      expect(points[0]!.t).toBe(0)
      expect(points.length).toBeLessThan(a.frames.length / 2)
      // stored values have 9 decimals, and pan/width halve their error on the way back
      expectLaneMatches(a, spec, (t) => rampAt(points, t), toleranceOf(shapedMapping, spec) + 1e-9)
    })
  })
})

