import { createSocket, type Socket } from 'node:dgram'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Ajv from 'ajv'
import { parseMidi } from 'midi-file'
import { afterEach, describe, expect, test } from 'vitest'
import type { Analysis } from '../../bridge/analysis/types.js'
import type { Bridge } from '../../bridge/server/bridge.js'
import { encodeOsc, type OscValue } from '../../bridge/server/osc-codec.js'
import { startBridge, tempDataDir } from './live-helpers.js'

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../bridge/analysis/analysis.schema.json'), 'utf8'))
const ajv = new Ajv({ allErrors: true, strict: false })
ajv.addFormat('date-time', { validate: (s: string) => !Number.isNaN(Date.parse(s)) })
const validate = ajv.compile(schema)

const open: Bridge[] = []
const cleanup: (() => void)[] = []
afterEach(async () => {
  for (const b of open.splice(0)) await b.close()
  cleanup.splice(0).forEach((c) => c())
})

const tone = (time: number, seconds: number) => ({
  channels: 1,
  sampleRate: 16000,
  time,
  samples: Float32Array.from({ length: Math.round(seconds * 16000) }, (_, i) => 0.2 * Math.sin((time * 16000 + i) / 3)),
})

async function udpClient(): Promise<Socket> {
  const s = createSocket('udp4')
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()))
  cleanup.push(() => s.close())
  return s
}

/** One OSC message to the bridge's UDP port, taken in before this resolves. */
async function osc(bridge: Bridge, socket: Socket, address: string, args: OscValue[] = []): Promise<void> {
  await new Promise<void>((resolve, reject) => socket.send(encodeOsc(address, args), bridge.oscPort!, '127.0.0.1', (err) => (err ? reject(err) : resolve())))
  await bridge.settle()
}

const api = async (bridge: Bridge): Promise<Analysis> => (await fetch(`${bridge.httpUrl}/api/analysis`)).json() as Promise<Analysis>
const midTempos = async (bridge: Bridge): Promise<{ tick: number; usPerBeat: number; ppq: number }[]> => {
  const res = await fetch(`${bridge.httpUrl}/api/export?to=mid&mapping=filter-arousal`)
  expect(res.status).toBe(200)
  const midi = parseMidi(new Uint8Array(await res.arrayBuffer()))
  let tick = 0
  const out: { tick: number; usPerBeat: number; ppq: number }[] = []
  for (const e of midi.tracks[0]!) {
    tick += e.deltaTime
    if (e.type === 'setTempo') out.push({ tick, usPerBeat: e.microsecondsPerBeat, ppq: midi.header.ticksPerBeat! })
  }
  return out
}

describe('the DAW tempo map on the live bridge', () => {
  test('/emolane/tempo at two song times ends up in /api/analysis tempoMap and the MIDI export, and survives a restart', async () => {
    const data = tempDataDir()
    cleanup.push(data.remove)
    const options = { dataDir: data.dir, project: 'tempo-song' }
    const b = await startBridge(options)
    open.push(b)
    const udp = await udpClient()
    await osc(b, udp, '/emolane/tempo', [120])
    await osc(b, udp, '/emolane/transport/play')
    b.audio(tone(0, 4))
    await osc(b, udp, '/emolane/tempo', [90]) // the play head is at 4 s
    await osc(b, udp, '/emolane/tempo', [90]) // repeated: nothing new
    await osc(b, udp, '/emolane/transport/stop')
    await b.settle()
    const map = [
      { time: 0, bpm: 120 },
      { time: 4, bpm: 90 },
    ]
    const live = await api(b)
    expect(live.tempoMap).toEqual(map)
    expect(live.tempo).toBe(90)
    expect(live.frames.length).toBeGreaterThan(0)
    // 4 s at 120 bpm = 8 beats
    const tempos = await midTempos(b)
    expect(tempos.map((t) => [t.tick / t.ppq, t.usPerBeat])).toEqual([
      [0, 500_000],
      [8, 666_667],
    ])

    await b.close()
    open.splice(0)
    const again = await startBridge(options)
    open.push(again)
    const restored = await api(again)
    expect(restored.tempoMap).toEqual(map)
    expect(restored.tempo).toBe(90)
    expect(validate(restored), JSON.stringify(validate.errors)).toBe(true)
    expect(await midTempos(again)).toEqual(tempos)
  })
})
