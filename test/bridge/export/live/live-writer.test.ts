import { createSocket, type Socket } from 'node:dgram'
import type { AddressInfo } from 'node:net'
import OSC from 'osc-js'
import { afterEach, describe, expect, test, vi } from 'vitest'
import type { Frame } from '../../../../bridge/analysis/types.js'
import { LiveWriter, type LiveSource, type LiveSourceEvents } from '../../../../bridge/export/live/live-writer.js'
import type { Mapping } from '../../../../bridge/export/types.js'
import type { TransportState } from '../../../../bridge/server/protocol.js'
import { makeAnalysis } from '../analysis-fixture.js'

type Received = { address: string; args: (number | string)[]; types: string; at: number }

/** A fake DAW: a UDP socket on loopback that records every OSC message, decoded with osc-js. */
async function fakeDaw(): Promise<{ port: number; messages: Received[]; close: () => Promise<void> }> {
  const socket: Socket = createSocket('udp4')
  const messages: Received[] = []
  socket.on('message', (buf) => {
    const packet = new OSC.Packet()
    packet.unpack(new DataView(buf.buffer, buf.byteOffset, buf.byteLength))
    const msg = packet.value as unknown as { address: string; args: (number | string)[]; types: string }
    messages.push({ address: msg.address, args: msg.args, types: msg.types, at: performance.now() })
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  return { port: (socket.address() as AddressInfo).port, messages, close: () => new Promise((resolve) => socket.close(() => resolve())) }
}

/** A bridge-like source the test drives by hand. */
class FakeBridge implements LiveSource {
  private readonly listeners = new Map<string, Set<Function>>()
  on<K extends keyof LiveSourceEvents>(event: K, listener: (...args: LiveSourceEvents[K]) => void): () => void {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set())
    this.listeners.get(event)!.add(listener)
    return () => this.listeners.get(event)!.delete(listener)
  }
  emit<K extends keyof LiveSourceEvents>(event: K, ...args: LiveSourceEvents[K]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (...a: LiveSourceEvents[K]) => void)(...args)
  }
  get listenerCount(): number {
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0)
  }
  transport(playing: boolean, time: number): void {
    this.emit('transport', { playing, time, tempo: 120 } satisfies TransportState)
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** Waits for a condition (an OSC message arriving), however busy the machine: no fixed time. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; !check(); i++) {
    if (i > 2000) throw new Error(`gave up waiting for ${what}`)
    await sleep(10)
  }
}
const valenceLane = { name: 'Valence', curve: 'fused.valence', target: { cc: 20 } }
const arousalLane = { name: 'Arousal', curve: 'fused.arousal', target: { cc: 21 } }

/** Frames every `hop` seconds whose valence rises by `step` per frame, so each frame's value is known. */
function rampFrames(hop: number, count: number, step = 0.02): Frame[] {
  const template = makeAnalysis({ duration: 20 }).frames[0]!
  return Array.from({ length: count }, (_, i) => ({ ...template, t: i * hop, valence: Math.min(1, -1 + step * i), arousal: 0.5 }))
}

let cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.reverse()) await c()
  cleanups = []
})

/**
 * A writer sending to a fake DAW. Its clock (`clock.ms`) moves only when the test moves it, so the play
 * head and the rate limit do not depend on how busy the machine is; real timers still drive its ticks.
 */
async function setup(dialect: string, mapping: Mapping, extra: Partial<Parameters<typeof LiveWriter.create>[0]> = {}) {
  const daw = await fakeDaw()
  const clock = { ms: 0 }
  const writer = await LiveWriter.create({ dialect, mapping, port: daw.port, host: '127.0.0.1', now: () => clock.ms, ...extra })
  const bridge = new FakeBridge()
  writer.init(bridge)
  cleanups.push(() => daw.close(), () => writer.destroy())
  return { daw, writer, bridge, clock }
}

describe('LiveWriter', () => {
  test('REAPER: nothing is sent while stopped; playing sends the frame value at the play head to the FX parameter', async () => {
    const { daw, bridge, clock } = await setup('reaper', { name: 'm', lanes: [valenceLane, arousalLane] } as Mapping)
    const frames = rampFrames(0.5, 100)
    bridge.emit('frames', frames)
    bridge.transport(false, 10)
    clock.ms += 250
    await sleep(250)
    expect(daw.messages).toEqual([])

    bridge.transport(true, 10)
    await until(() => daw.messages.length >= 2, 'a message per lane')
    clock.ms += 300
    await sleep(150)
    // the play head sits on the frame at 10 s (frame 20) for 500 ms: one message per lane, no repeats
    expect(daw.messages.map((m) => m.address).sort()).toEqual(['/track/1/fx/1/fxparam/1/value', '/track/1/fx/1/fxparam/2/value'])
    const val = daw.messages.find((m) => m.address.endsWith('fxparam/1/value'))!
    expect(val.types).toBe(',f')
    expect(val.args[0]).toBeCloseTo((frames[20]!.valence + 1) / 2, 6)
    const aro = daw.messages.find((m) => m.address.endsWith('fxparam/2/value'))!
    expect(aro.args[0]).toBeCloseTo(0.75, 6)

    bridge.transport(true, 30) // seek while playing
    await until(() => daw.messages.length >= 3, 'the value after the seek')
    const afterSeek = daw.messages.filter((m) => m.address.endsWith('fxparam/1/value')).at(-1)!
    expect(afterSeek.args[0]).toBeCloseTo((frames[60]!.valence + 1) / 2, 6)

    bridge.transport(false, 30.2)
    const count = daw.messages.length
    clock.ms += 300
    await sleep(300)
    expect(daw.messages.length).toBe(count)
  })

  test('each lane sends at most rateHz messages a second, spaced by the interval', async () => {
    // the writer's own timers and clock, faked: spacing is what the writer decided, not the machine's load
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] })
    try {
      const sent: { at: number; value: number }[] = []
      const writer = await LiveWriter.create({
        dialect: 'reaper',
        mapping: { name: 'm', lanes: [valenceLane] } as Mapping,
        rateHz: 10,
        now: () => Date.now(),
        send: async (packet) => {
          const decoded = new OSC.Packet()
          decoded.unpack(new DataView(packet.buffer, packet.byteOffset, packet.byteLength))
          sent.push({ at: Date.now(), value: (decoded.value as unknown as { args: number[] }).args[0]! })
        },
      })
      const bridge = new FakeBridge()
      writer.init(bridge)
      bridge.emit('frames', rampFrames(0.01, 2000, 0.003)) // a new value every 10 ms
      bridge.transport(true, 1)
      vi.advanceTimersByTime(1000)
      bridge.transport(false, 2)
      await writer.destroy()
      // one message when play starts, then one per 100 ms interval: 11 in the second, never closer than the interval
      expect(sent).toHaveLength(11)
      for (let i = 1; i < sent.length; i++) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(100)
      // values follow the play head upward
      for (let i = 1; i < sent.length; i++) expect(sent[i]!.value).toBeGreaterThan(sent[i - 1]!.value)
    } finally {
      vi.useRealTimers()
    }
  })

  test('a value that moves less than half the tolerance is not sent again', async () => {
    const { daw, bridge, clock } = await setup('reaper', { name: 'm', tolerance: 0.01, lanes: [valenceLane] } as Mapping, { rateHz: 50 })
    bridge.emit('frames', rampFrames(0.01, 2000, 0.00002)) // 0.001 of the range per second
    bridge.transport(true, 1)
    await until(() => daw.messages.length >= 1, 'the first value')
    // the play head moves on 600 ms in steps the rate allows; the value moves by 0.0006 of its range
    for (let i = 0; i < 30; i++) {
      clock.ms += 20
      await sleep(25)
    }
    bridge.transport(false, 1.6)
    expect(daw.messages).toHaveLength(1)
  })

  test('Bitwig (DrivenByMoss): touches the parameter on play, writes 0..127 integers, releases it on stop', async () => {
    const { daw, bridge, clock } = await setup('bitwig', { name: 'm', lanes: [valenceLane] } as Mapping)
    const frames = rampFrames(0.5, 100)
    bridge.emit('frames', frames)
    bridge.transport(true, 5)
    await until(() => daw.messages.length >= 2, 'touch and value')
    clock.ms += 150
    bridge.transport(false, 5.15)
    await until(() => daw.messages.length >= 3, 'the release')
    expect(daw.messages.map((m) => [m.address, m.types])).toEqual([
      ['/device/param/1/touched', ',i'],
      ['/device/param/1/value', ',i'],
      ['/device/param/1/touched', ',i'],
    ])
    expect(daw.messages.map((m) => m.args[0])).toEqual([1, Math.round(127 * ((frames[10]!.valence + 1) / 2)), 0])
  })

  test('Ableton (AbletonOSC): track, device and parameter indices come first, the value in the target range', async () => {
    const { daw, bridge, clock } = await setup('ableton', { name: 'm', lanes: [valenceLane] } as Mapping, { targets: [{ track: 2, device: 1, param: 5, min: 20, max: 135 }] })
    const frames = rampFrames(0.5, 100)
    bridge.emit('frames', frames)
    bridge.transport(true, 5)
    await until(() => daw.messages.length >= 1, 'the value')
    clock.ms += 150
    bridge.transport(false, 5.15)
    await sleep(50)
    expect(daw.messages).toHaveLength(1)
    const [m] = daw.messages
    expect(m!.address).toBe('/live/device/set/parameter/value')
    expect(m!.types).toBe(',iiif')
    expect(m!.args.slice(0, 3)).toEqual([2, 1, 5])
    expect(m!.args[3]).toBeCloseTo(20 + 115 * ((frames[10]!.valence + 1) / 2), 3)
  })

  test('a play head far past the newest analysed frame writes nothing', async () => {
    const { daw, bridge, clock } = await setup('reaper', { name: 'm', lanes: [valenceLane] } as Mapping)
    bridge.emit('frames', rampFrames(0.5, 20)) // up to 9.5 s
    bridge.transport(true, 60)
    await sleep(200)
    expect(daw.messages).toEqual([])
    bridge.emit('frames', [{ ...rampFrames(0.5, 1)[0]!, t: 59.5, valence: 0 }])
    clock.ms += 100
    await until(() => daw.messages.length >= 1, 'the newly analysed value')
    await sleep(50)
    expect(daw.messages.map((m) => m.args[0])).toEqual([0.5])
  })

  test('destroy releases the source and closes the socket; a bad dialect is refused up front', async () => {
    const { writer, bridge } = await setup('reaper', { name: 'm', lanes: [valenceLane] } as Mapping)
    expect(bridge.listenerCount).toBe(4)
    await writer.destroy()
    expect(bridge.listenerCount).toBe(0)
    await expect(LiveWriter.create({ dialect: 'protools', mapping: 'filter-arousal' })).rejects.toThrow(/unknown live dialect "protools"; presets are ableton, bitwig, reaper/)
    await expect(LiveWriter.create({ dialect: 'reaper', mapping: 'filter-arousal', rateHz: 0 })).rejects.toThrow(/rateHz must be in \[0.5, 200\], got 0/)
  })
})
