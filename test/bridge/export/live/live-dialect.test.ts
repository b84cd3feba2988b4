import { expect, test } from 'vitest'
import { DialectError, fillTemplate, laneTarget, listDialects, loadDialect, resolveDialect } from '../../../../bridge/export/live/live-dialect.js'

test('the REAPER, Ableton and Bitwig presets load with their DAW ports', async () => {
  const byName = Object.fromEntries((await listDialects()).map((d) => [d.name, d]))
  expect(byName.reaper!.port).toBe(8000)
  expect(byName.ableton!.port).toBe(11000)
  expect(byName.bitwig!.port).toBe(8000)
  expect(byName['reaper-selected-track']!.send.address).toBe('/fx/{fx}/fxparam/{param}/value')
})

test('lane N writes parameter paramBase + N unless its target says otherwise', async () => {
  const reaper = await loadDialect('reaper')
  expect(fillTemplate(reaper.send, laneTarget(reaper, 2), 0.5, 'f')).toEqual({ address: '/track/1/fx/1/fxparam/3/value', args: [{ type: 'f', value: 0.5 }] })
  const custom = resolveDialect({ ...reaper, targets: [{ track: 4, fx: 2, param: 9 }] })
  expect(fillTemplate(custom.send, laneTarget(custom, 0), 0.5, 'f').address).toBe('/track/4/fx/2/fxparam/9/value')
})

test('Ableton arguments are typed ints then the value', async () => {
  const ableton = await loadDialect('ableton')
  expect(fillTemplate(ableton.send, laneTarget(ableton, 0), 0.75, 'f').args).toEqual([
    { type: 'i', value: 0 },
    { type: 'i', value: 0 },
    { type: 'i', value: 1 },
    { type: 'f', value: 0.75 },
  ])
})

test('broken dialects are refused with the field at fault', () => {
  const base = { name: 'x', daw: 'X', port: 9000, value: { type: 'f', min: 0, max: 1 }, send: { address: '/p/{param}', args: ['{value}'] } }
  expect(() => resolveDialect({ ...base, port: 70000 })).toThrow(/port must be an integer in \[1, 65535\], got 70000/)
  expect(() => resolveDialect({ ...base, send: { address: '/p/{param}', args: [] } })).toThrow(/send must carry \{value\}/)
  expect(() => resolveDialect({ ...base, value: { type: 'f', min: 1, max: 1 } })).toThrow(DialectError)
  expect(() => resolveDialect({ ...base, send: { address: '/p', args: ['{value}', 'x:1'] } })).toThrow(/argument "x:1" must be a number/)
  const d = resolveDialect({ ...base, send: { address: '/t/{track}/p/{param}', args: ['{value}'] } })
  expect(() => fillTemplate(d.send, laneTarget(d, 0), 0.5, 'f')).toThrow(/placeholder \{track\} .* has no value for this lane/)
})
