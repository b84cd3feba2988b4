import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { BUILTIN_DIALECTS, loadDialectPreset, parseDialectPreset } from '../../../bridge/daw/dialect-preset.js'
import { DialectSession } from '../../../bridge/daw/dialect-session.js'
import { TransportFollower } from '../../../bridge/daw/transport-follower.js'
import { RecordingInput } from './recording-input.js'

describe('dialect presets', () => {
  test('every built-in preset loads and listens on its own port', () => {
    const ports = BUILTIN_DIALECTS.map((n) => loadDialectPreset(n).listenPort)
    expect(new Set(ports).size).toBe(ports.length)
    expect(ports).not.toContain(9000) // the bridge's own OSC port
  })

  test('a custom preset file maps another DAW\'s addresses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emolane-dialect-'))
    const file = join(dir, 'my-daw.json')
    writeFileSync(
      file,
      JSON.stringify({
        name: 'my-daw',
        listenPort: 9100,
        rules: [
          { address: '/transport/seconds', action: 'time' },
          { address: '/transport/rolling', action: 'playing' },
          { address: '/song/part', action: 'section' },
          { address: '/song/line', action: 'lyric' },
        ],
      }),
    )
    const input = new RecordingInput()
    const session = new DialectSession(loadDialectPreset(file), input, new TransportFollower(input))
    session.handle({ address: '/transport/rolling', args: [{ type: 'i', value: 1 }] })
    session.handle({ address: '/transport/seconds', args: [{ type: 'f', value: 12 }] })
    session.handle({ address: '/song/part', args: [{ type: 'f', value: 0 }, { type: 'f', value: 30 }, { type: 's', value: 'Verse' }] })
    session.handle({ address: '/song/line', args: [{ type: 'f', value: 2 }, { type: 'f', value: 5 }, { type: 's', value: 'hello' }] })
    expect(input.summary()).toEqual(['play', 'seek 12', 'section Verse 0-30 daw', 'lyric 2-5 hello'])
  })

  test('a broken preset names the file, the field, what it wanted and what it got', () => {
    expect(() => parseDialectPreset({ name: 'x', listenPort: 70000, rules: [] }, 'x.json')).toThrow(/dialect preset x\.json: listenPort must be a UDP port in 1\.\.65535, got 70000/)
    expect(() => parseDialectPreset({ name: 'x', listenPort: 9100, rules: [{ address: '/a', action: 'dance' }] }, 'x.json')).toThrow(/rules\[0\]\.action must be one of time, .*got "dance"/)
    expect(() => parseDialectPreset({ name: 'x', listenPort: 9100, timeUnit: 'bars', rules: [{ address: '/a', action: 'time' }] }, 'x.json')).toThrow(/timeUnit must be "seconds" or "beats", got "bars"/)
  })
})
