/**
 * The pattern config docs/daw.md tells REAPER users to install (presets/reaper/emolane.ReaperOSC)
 * against what emolane listens for (presets/dialects/reaper.json) and writes (presets/live/reaper*.json).
 * The other REAPER tests replay addresses written by hand; these read the file REAPER reads, so a
 * typo in it, or a dialect rule the file never makes REAPER send, fails here.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { compileAddress } from '../../../bridge/daw/address-pattern.js'
import { loadDialectPreset } from '../../../bridge/daw/dialect-preset.js'
import { fillTemplate, laneTarget, loadDialect } from '../../../bridge/export/live/live-dialect.js'
import { reaperSession } from './daw-sessions.js'

/** One address REAPER sends or accepts: the config action, its type prefix (f float, t toggle, s string, n normalised) and the address with `@` (a 1-based slot) as `7`. */
type ConfigAddress = { action: string; type: string; address: string }

function readReaperOsc(): { addresses: ConfigAddress[]; settings: Map<string, string> } {
  const text = readFileSync(join(import.meta.dirname, '../../../presets/reaper/emolane.ReaperOSC'), 'utf8')
  const addresses: ConfigAddress[] = []
  const settings = new Map<string, string>()
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const [action, ...rest] = line.split(/\s+/)
    if (/^(DEVICE|REAPER)_/.test(action!) && rest.length === 1 && !rest[0]!.includes('/')) {
      settings.set(action!, rest[0]!)
      continue
    }
    for (const pattern of rest) {
      const m = /^([a-z]+)(\/.*)$/.exec(pattern)
      if (!m) throw new Error(`emolane.ReaperOSC: ${action}: "${pattern}" is not <type prefix>/<address>`)
      addresses.push({ action: action!, type: m[1]!, address: m[2]!.replaceAll('@', '7') })
    }
  }
  return { addresses, settings }
}

// what each dialect action needs REAPER to send
const NEEDS: Record<string, { config: string; type: string }> = {
  time: { config: 'TIME', type: 'f' },
  playing: { config: 'PLAY', type: 't' },
  stopped: { config: 'STOP|PAUSE', type: 't' },
  tempo: { config: 'TEMPO', type: 'f' },
  'region-name': { config: 'REGION_NAME', type: 's' },
  'region-start': { config: 'REGION_TIME', type: 'f' },
  'region-length': { config: 'REGION_LENGTH', type: 'f' },
  'marker-name': { config: 'MARKER_NAME', type: 's' },
  'marker-time': { config: 'MARKER_TIME', type: 'f' },
}

describe('presets/reaper/emolane.ReaperOSC', () => {
  const { addresses, settings } = readReaperOsc()

  test('every rule of the reaper dialect matches an address the config makes REAPER send, with the right kind of value', () => {
    const dialect = loadDialectPreset('reaper')
    expect(dialect.rules.length).toBeGreaterThan(0)
    for (const rule of dialect.rules) {
      const need = NEEDS[rule.action]
      expect(need, `no expectation for the action ${rule.action}`).toBeDefined()
      const matches = addresses.filter((a) => compileAddress(rule.address)(a.address) !== null)
      expect(matches.map((a) => `${a.action} ${a.type}`), `rule ${rule.address} (${rule.action})`).toEqual([expect.stringMatching(new RegExp(`^(${need!.config}) ${need!.type}$`))])
    }
  })

  test('everything the config makes REAPER send is used by the dialect, except the record state and the live-write parameters', () => {
    const rules = loadDialectPreset('reaper').rules.map((r) => compileAddress(r.address))
    const unused = addresses.filter((a) => a.action !== 'FX_PARAM_VALUE' && !rules.some((m) => m(a.address) !== null))
    // RECORD: a recording REAPER also reports /play 1, which is what the bridge follows
    expect(unused.map((a) => a.action)).toEqual(['RECORD'])
  })

  test('the replayed REAPER session in the other tests sends only what this config produces (and one address outside it)', () => {
    const outside = reaperSession().filter((e) => !addresses.some((a) => compileAddress(e.address.replace(/\/\d+\//, '/*/'))(a.address) !== null))
    expect([...new Set(outside.map((e) => e.address))]).toEqual(['/vu'])
  })

  test('it reports as many markers and regions as docs/daw.md promises (64 each)', () => {
    expect(settings.get('DEVICE_MARKER_COUNT')).toBe('64')
    expect(settings.get('DEVICE_REGION_COUNT')).toBe('64')
  })

  test('the live-write dialects for REAPER address FX parameters this config accepts, as normalised floats', async () => {
    const accepts = addresses.filter((a) => a.action === 'FX_PARAM_VALUE')
    expect(accepts.every((a) => a.type === 'n')).toBe(true)
    const patterns = accepts.map((a) => compileAddress(a.address.replaceAll('7', '*')))
    for (const name of ['reaper', 'reaper-selected-track']) {
      const dialect = await loadDialect(name)
      expect(dialect.port).toBe(8000) // the same surface's local listen port (docs/daw.md, REAPER)
      for (const lane of [0, 1, 5]) {
        const { address, args } = fillTemplate(dialect.send, laneTarget(dialect, lane), 0.25, dialect.value.type)
        expect(patterns.some((m) => m(address) !== null), `${name} lane ${lane + 1}: ${address}`).toBe(true)
        expect(args).toEqual([{ type: 'f', value: 0.25 }])
      }
      expect([dialect.value.min, dialect.value.max]).toEqual([0, 1])
    }
  })
})
