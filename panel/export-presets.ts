/**
 * The export formats and mapping presets built into this panel, offered when the bridge does not list
 * its own (test/panel/export-options.test.ts keeps them equal to bridge/export's lists).
 */
import allCurves from '../presets/mappings/all-curves.json'
import cueTrack from '../presets/mappings/cue-track.json'
import filterArousal from '../presets/mappings/filter-arousal.json'
import reverbSadness from '../presets/mappings/reverb-sadness.json'
import type { ExportFormat, ExportMapping } from './el-export-dialog.js'

/** Formats `/api/export?to=` accepts, in bridge/export's order. */
export const BUILT_IN_FORMATS: ExportFormat[] = [
  { id: 'mid', label: 'Standard MIDI file (.mid): CC lanes' },
  { id: 'dawproject', label: 'DAWproject (.dawproject): Bitwig, Studio One, Cubase' },
  { id: 'rpp', label: 'REAPER (.rpp): track envelopes' },
  { id: 'csv', label: 'CSV (.csv): one column per lane' },
  { id: 'json', label: 'JSON (.json)' },
]

/** Mapping presets shipped in presets/mappings, default first. */
export const BUILT_IN_MAPPINGS: ExportMapping[] = [allCurves, filterArousal, reverbSadness, cueTrack].map((m) => ({
  name: m.name,
  description: m.description,
}))
