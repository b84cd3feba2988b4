import { describe, expect, test } from 'vitest'
import { loadDialectPreset } from '../../../bridge/daw/dialect-preset.js'
import { DialectSession } from '../../../bridge/daw/dialect-session.js'
import { TransportFollower } from '../../../bridge/daw/transport-follower.js'
import { attachInput } from '../../../bridge/input/attach-input.js'
import { listInputDevices, NoInputDeviceError, openDeviceSource, pickDevice } from '../../../bridge/input/capture-source.js'
import { RecordingInput } from '../daw/recording-input.js'
import { FakeSource } from './fake-source.js'

describe('audio input', () => {
  test('captured audio reaches the bridge stamped with the song time REAPER reports', async () => {
    let wall = 0
    const input = new RecordingInput()
    const transport = new TransportFollower(input, { wallClock: () => wall })
    const reaper = new DialectSession(loadDialectPreset('reaper'), input, transport)
    const source = new FakeSource(8000, 2)
    const attached = await attachInput(input, 'fake', { clock: transport, source, blockSeconds: 0.5 })
    reaper.handle({ address: '/time', args: [{ type: 'f', value: 42 }] })
    reaper.handle({ address: '/play', args: [{ type: 'f', value: 1 }] })
    for (let k = 0; k < 8; k++) {
      wall += 250
      source.deliver(2000, k * 2000)
      reaper.handle({ address: '/time', args: [{ type: 'f', value: 42 + (k + 1) * 0.25 }] })
    }
    const audio = input.calls.flatMap((c) => (c.kind === 'audio' ? [c.block] : []))
    expect(audio.map((b) => +b.time.toFixed(3))).toEqual([42, 42.5, 43, 43.5])
    expect(audio.every((b) => b.sampleRate === 8000 && b.channels === 2 && b.samples.length === 8000)).toBe(true)
    expect(attached.blocks).toBe(4)
    await attached.close()
    expect(source.stopped).toBe(true)
  })

  test('without a DAW, song time runs from when capture started and the bridge is told to play', async () => {
    const input = new RecordingInput()
    const source = new FakeSource(8000, 1)
    const attached = await attachInput(input, 'fake', { source, blockSeconds: 0.1 })
    source.deliver(800)
    expect(input.summary()).toEqual(['seek 0', 'play'])
    const [block] = input.calls.flatMap((c) => (c.kind === 'audio' ? [c.block] : []))
    expect(block!.time).toBeGreaterThanOrEqual(0)
    expect(block!.time).toBeLessThan(0.5)
    await attached.close()
    expect(input.summary().at(-1)).toBe('stop')
  })

  test('devices are picked by name or id, case-insensitively', () => {
    const devices = [
      { deviceId: 'a1', label: 'Built-in Microphone' },
      { deviceId: 'b2', label: 'BlackHole 2ch' },
    ]
    expect(pickDevice(devices, 'blackhole')?.deviceId).toBe('b2')
    expect(pickDevice(devices, 'a1')?.label).toBe('Built-in Microphone')
    expect(pickDevice(devices, 'default')?.deviceId).toBe('a1')
    expect(pickDevice(devices, 'VB-Cable')).toBeNull()
  })

  test('with no input device, opening one says how to route the DAW to a loopback device', async () => {
    const devices = await listInputDevices()
    if (devices.length > 0) {
      // A machine with devices: a name that matches none lists them instead.
      await expect(openDeviceSource('no such device 7f3a')).rejects.toThrow(/no input device matches "no such device 7f3a"; devices: /)
      return
    }
    const err = await openDeviceSource('default').catch((e) => e)
    expect(err).toBeInstanceOf(NoInputDeviceError)
    expect(err.message).toMatch(/no audio input device found; route your DAW's master bus to a loopback input first: .*PipeWire.*BlackHole.*VB-Cable/)
  })
})
