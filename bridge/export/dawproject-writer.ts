/**
 * DAWproject writer (.dawproject: a zip of project.xml and metadata.xml, valid against the format's
 * Project.xsd and MetaData.xsd). One instrument track carries every lane as automation `Points` on a
 * MIDI CC target (`expression="channelController"`), values normalised 0..1, linear ramps between
 * points, times in seconds or beats (on the tempo map, whose changes go into TempoAutomation). Section
 * starts become cue markers.
 */
import { withDefaults } from './with-defaults.js'
import { strToU8, zipSync } from 'fflate'
import type { Section } from '../analysis/types.js'
import { formatNumber } from './number-format.js'
import { TempoMap } from './tempo-map.js'
import { linearLanePoints } from './lanes.js'
import type { LaneCurve } from './types.js'
import { renderXml, type XmlNode } from './xml.js'

/** Options of the DAWproject writer. */
export type DawprojectOptions = {
  /** Time unit of automation points and markers, default 'seconds' */
  timeUnit?: 'seconds' | 'beats'
  /** Project title (metadata.xml) and track name */
  title?: string
  /** Comment for metadata.xml, e.g. the mapping and source */
  comment?: string
  /** Application version written into project.xml */
  appVersion?: string
  /** Section markers */
  sections?: Pick<Section, 'start' | 'name'>[]
}
const defaults = { timeUnit: 'seconds' as const, title: 'emolane', comment: '', appVersion: '0.1.0', sections: [] as Pick<Section, 'start' | 'name'>[] }

/** DAWproject format version written. */
export const DAWPROJECT_VERSION = '1.0'

/** The project.xml document for the lanes. */
export function projectXml(lanes: LaneCurve[], tempo: TempoMap, options: DawprojectOptions = {}): string {
  const opts = withDefaults(defaults, options)
  const bpm = tempo.changes[0]!.bpm
  const time = (t: number): string => formatNumber(opts.timeUnit === 'beats' ? tempo.secondsToBeats(t) : t)
  const trackId = 'track-emolane'
  const points: XmlNode[] = lanes.map((lane, i) => ({
    name: 'Points',
    attrs: { id: `lane-${i + 1}`, name: lane.lane.name, unit: 'normalized' },
    children: [
      { name: 'Target', attrs: { expression: 'channelController', channel: lane.lane.target.channel - 1, controller: lane.lane.target.cc } },
      ...linearLanePoints(lane).map((p) => ({ name: 'RealPoint', attrs: { time: time(p.t), value: formatNumber(p.v), interpolation: 'linear' } })),
    ],
  }))
  const arrangement: XmlNode[] = [
    { name: 'Lanes', attrs: { id: 'arrangement-lanes', timeUnit: opts.timeUnit }, children: [{ name: 'Lanes', attrs: { id: 'emolane-lanes', track: trackId }, children: points }] },
  ]
  if (opts.sections.length > 0) {
    arrangement.push({
      name: 'Markers',
      attrs: { id: 'section-markers', timeUnit: opts.timeUnit },
      children: opts.sections.map((s) => ({ name: 'Marker', attrs: { name: s.name, time: time(s.start) } })),
    })
  }
  const changes = tempo.changes
  if (changes.length > 1) {
    // the DAW's tempo changes, so that its grid (and any beat positions) match the song's
    arrangement.push({
      name: 'TempoAutomation',
      attrs: { id: 'tempo-automation', timeUnit: opts.timeUnit, unit: 'bpm' },
      children: [
        { name: 'Target', attrs: { parameter: 'tempo' } },
        ...changes.map((c) => ({ name: 'RealPoint', attrs: { time: formatNumber(opts.timeUnit === 'beats' ? c.beat : c.seconds), value: formatNumber(c.bpm), interpolation: 'hold' } })),
      ],
    })
  }
  return renderXml({
    name: 'Project',
    attrs: { version: DAWPROJECT_VERSION },
    children: [
      { name: 'Application', attrs: { name: 'emolane', version: opts.appVersion } },
      {
        name: 'Transport',
        children: [
          { name: 'Tempo', attrs: { id: 'tempo', name: 'Tempo', unit: 'bpm', value: formatNumber(bpm), min: '20', max: '999' } },
          { name: 'TimeSignature', attrs: { id: 'time-signature', numerator: 4, denominator: 4 } },
        ],
      },
      {
        name: 'Structure',
        children: [
          {
            name: 'Track',
            attrs: { id: trackId, name: opts.title, contentType: 'notes', loaded: true, color: '#8e44ad', comment: 'emolane automation lanes: MIDI CC, route this track to your instrument' },
            children: [
              {
                name: 'Channel',
                attrs: { id: 'channel-emolane', role: 'regular', audioChannels: 2, solo: false },
                children: [
                  { name: 'Mute', attrs: { id: 'channel-mute', name: 'Mute', value: false } },
                  { name: 'Pan', attrs: { id: 'channel-pan', name: 'Pan', unit: 'normalized', value: '0.5', min: '0', max: '1' } },
                  { name: 'Volume', attrs: { id: 'channel-volume', name: 'Volume', unit: 'linear', value: '1', min: '0', max: '2' } },
                ],
              },
            ],
          },
        ],
      },
      { name: 'Arrangement', attrs: { id: 'arrangement' }, children: arrangement },
    ],
  })
}

/** The metadata.xml document. */
export function metadataXml(options: DawprojectOptions = {}): string {
  const opts = withDefaults(defaults, options)
  const children: XmlNode[] = [{ name: 'Title', text: opts.title }]
  if (opts.comment) children.push({ name: 'Comment', text: opts.comment })
  return renderXml({ name: 'MetaData', children })
}

/** Writes a .dawproject zip (project.xml + metadata.xml); returns its bytes. */
export function writeDawproject(lanes: LaneCurve[], tempo: TempoMap, options: DawprojectOptions = {}): Uint8Array {
  const mtime = new Date('2020-01-01T00:00:00Z') // fixed, so the same analysis exports to the same bytes
  return zipSync(
    {
      'project.xml': [strToU8(projectXml(lanes, tempo, options)), { mtime }],
      'metadata.xml': [strToU8(metadataXml(options)), { mtime }],
    },
    { level: 6 },
  )
}
