import { waitFor as waitUntil } from '../../helpers/wait.js'
import { createSocket, type Socket } from 'node:dgram'
import { networkInterfaces } from 'node:os'
import OSC from 'osc-js'
import { afterEach, describe, expect, test } from 'vitest'
import { attachDialects, parseDawSpec, type AttachedDialects } from '../../../bridge/daw/attach-dialects.js'
import { encodeBundle, encodeOsc } from '../../../bridge/server/osc-codec.js'
import type { BridgeErrorInfo } from '../../../bridge/server/protocol.js'
import { abletonSession, reaperSession, type OscEvent } from './daw-sessions.js'
import { RecordingInput } from './recording-input.js'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

/** Encodes with osc-js (an encoder independent of the bridge's own codec). */
function pack(e: OscEvent): Uint8Array {
  return new OSC.TypedMessage(e.address, e.args.map((a) => ({ type: a.type, value: a.value }) as never)).pack()
}

function udp(address = '127.0.0.1'): Promise<Socket> {
  const s = createSocket('udp4')
  cleanups.push(() => new Promise<void>((r) => s.close(() => r())))
  return new Promise((resolve) => s.bind(0, address, () => resolve(s)))
}

const send = (s: Socket, data: Uint8Array, port: number, host = '127.0.0.1') => new Promise<void>((resolve, reject) => s.send(data, port, host, (err) => (err ? reject(err) : resolve())))

/** A second address of this machine to send from: its LAN address where it has one, else 127.0.0.2 (all of 127/8 is loopback on Linux). */
const otherAddress =
  Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address ?? '127.0.0.2'

async function attach(input: RecordingInput, specs: string[], errors: BridgeErrorInfo[] = []): Promise<AttachedDialects> {
  const attached = await attachDialects(input, specs, { onError: (e) => errors.push(e), markerDebounceMs: 20 })
  cleanups.push(() => attached.close())
  return attached
}

describe('dialects over UDP', () => {
  test('a REAPER session sent over loopback, the state dump in one bundle, reaches the bridge', async () => {
    const input = new RecordingInput()
    const attached = await attach(input, ['reaper:0'])
    const port = attached.listeners[0]!.port
    const sender = await udp()
    const events = reaperSession()
    const dump = events.filter((e) => e.at === 0)
    await send(sender, encodeBundle(dump.map((e) => encodeOsc(e.address, e.args))), port)
    for (const e of events.filter((e) => e.at > 0 && e.at < 1600)) await send(sender, pack(e), port)
    await waitFor(() => input.state().sections.length === 2 && input.state().lyrics.length === 3 && input.summary().includes('seek 20'))
    const { sections, lyrics, playing, tempo } = input.state()
    expect(sections.map((s) => s.name)).toEqual(['Verse 1', 'Chorus'])
    expect(lyrics.map((l) => l.text)).toEqual(['Paper lanterns burning', 'Every window wide awake', 'Hold me while the city sleeps'])
    expect(playing).toBe(true)
    expect(tempo).toBe(96)
    expect(attached.clock.known).toBe(true)
    expect(attached.clock.now()).toBeGreaterThanOrEqual(20)
  })

  test('UTF-8 marker names survive (lyrics in any language)', async () => {
    const input = new RecordingInput()
    const attached = await attach(input, ['reaper:0'])
    const sender = await udp()
    const port = attached.listeners[0]!.port
    await send(sender, encodeOsc('/marker/1/name', ['lyric: Café, ni\u00f1a, 夜']), port)
    await send(sender, encodeOsc('/marker/1/time', [3]), port)
    await waitFor(() => input.state().lyrics.length === 1)
    expect(input.state().lyrics[0]!.text).toBe('Café, niña, 夜')
  })

  test('malformed packets are reported and dropped; the listener keeps following the DAW', async () => {
    const input = new RecordingInput()
    const errors: BridgeErrorInfo[] = []
    const attached = await attach(input, ['reaper:0'], errors)
    const port = attached.listeners[0]!.port
    const sender = await udp()
    await send(sender, Uint8Array.from([0x2f, 0x74, 0x69, 0x6d, 0x65]), port) // "/time" cut short
    await send(sender, encodeOsc('/tempo/raw', ['fast']), port)
    await send(sender, encodeOsc('/tempo/raw', [128]), port)
    await waitFor(() => input.state().tempo === 128)
    expect(errors.map((e) => [e.code, e.source])).toEqual([
      ['osc-malformed', 'daw-reaper'],
      ['daw-bad-args', 'daw-reaper'],
    ])
    expect(errors[1]!.message).toMatch(/\/tempo\/raw needs a tempo in bpm, got "fast"/)
  })

  test('AbletonOSC: emolane asks for song time, play state, tempo and cue points, then follows the replies', async () => {
    // A stand-in for the AbletonOSC remote script: replies to whoever asked, like the real one.
    const live = await udp()
    const asked: string[] = []
    live.on('message', (data, rinfo) => {
      const packet = new OSC.Packet()
      packet.unpack(new DataView(data.buffer, data.byteOffset, data.byteLength))
      const address = (packet.value as unknown as { address: string }).address
      asked.push(address)
      const reply = abletonSession().find((e) => address === '/live/song/get/cue_points' ? e.address === address : e.address === address.replace('start_listen', 'get'))
      if (reply) live.send(pack(reply), rinfo.port, rinfo.address)
    })
    const livePort = live.address().port
    const input = new RecordingInput()
    await attach(input, [`ableton:0@127.0.0.1:${livePort}`])
    await waitFor(() => input.state().sections.length === 3 && input.summary().includes('seek 4'))
    expect(new Set(asked)).toEqual(new Set(['/live/song/start_listen/tempo', '/live/song/start_listen/is_playing', '/live/song/start_listen/current_song_time', '/live/song/get/cue_points']))
    expect(input.state().tempo).toBe(120)
    expect(input.state().sections.map((s) => [s.name, s.start])).toEqual([
      ['Intro', 0],
      ['Verse', 8],
      ['Chorus', 24],
    ])
  })

  test('several dialects at once, each on its own port, share one transport', async () => {
    const input = new RecordingInput()
    const attached = await attach(input, ['reaper:0', 'bitwig:0@127.0.0.1:9'])
    const [reaper, bitwig] = attached.listeners
    expect(reaper!.port).not.toBe(bitwig!.port)
    const sender = await udp()
    await send(sender, encodeOsc('/tempo/raw', [90]), reaper!.port)
    await send(sender, encodeOsc('/time/str', ['0.00.30:000']), bitwig!.port)
    await waitFor(() => input.summary().includes('seek 30'))
    expect(input.summary()).toEqual(['tempo 90', 'seek 30'])
  })

  test('a port in use gives a clear error and leaves nothing listening', async () => {
    const busy = await udp()
    const port = busy.address().port
    const input = new RecordingInput()
    await expect(attachDialects(input, ['bitwig:0', `reaper:${port}`])).rejects.toThrow(new RegExp(`cannot listen for reaper OSC on 127\\.0\\.0\\.1:${port}: port ${port} is already in use.*--daw reaper:PORT`))
  })

  test('two dialects on one port, an unknown dialect and bad specs are refused before binding', async () => {
    const input = new RecordingInput()
    await expect(attachDialects(input, ['reaper:9100', 'bitwig:9100'])).rejects.toThrow(/two --daw dialects want UDP port 9100/)
    await expect(attachDialects(input, ['cubase'])).rejects.toThrow(/unknown DAW dialect "cubase"; expected one of reaper, ableton, bitwig/)
    expect(() => parseDawSpec('reaper:99999')).toThrow(/the listen port must be a UDP port/)
    expect(parseDawSpec('ableton:11005@10.0.0.2:11000')).toEqual({ dialect: 'ableton', port: 11005, sendTo: { host: '10.0.0.2', port: 11000 } })
    expect(parseDawSpec('./my-daw.json')).toEqual({ dialect: './my-daw.json' })
  })
})

describe('who a dialect port hears', () => {
  test('bound off loopback, a sender not on --daw-allow is dropped with daw-not-allowed; an allowed one still moves the transport', async () => {
    const input = new RecordingInput()
    const errors: BridgeErrorInfo[] = []
    const attached = await attachDialects(input, ['reaper:0'], { host: '0.0.0.0', allow: [otherAddress], onError: (e) => errors.push(e), markerDebounceMs: 20 })
    cleanups.push(() => attached.close())
    const listener = attached.listeners[0]!
    expect(listener.host).toBe('0.0.0.0')
    const stranger = await udp('127.0.0.1')
    const daw = await udp(otherAddress)
    await send(stranger, encodeOsc('/tempo/raw', [140]), listener.port)
    await send(stranger, encodeOsc('/time', [33]), listener.port)
    await waitFor(() => errors.length === 2)
    await send(daw, encodeOsc('/tempo/raw', [128]), listener.port, otherAddress)
    await send(daw, encodeOsc('/time', [12]), listener.port, otherAddress)
    await send(daw, encodeOsc('/play', [1]), listener.port, otherAddress)
    await waitFor(() => input.summary().includes('play'))
    expect(input.summary()).toEqual(['tempo 128', 'seek 12', 'play'])
    expect(errors.map((e) => [e.code, e.source])).toEqual([
      ['daw-not-allowed', 'daw-reaper'],
      ['daw-not-allowed', 'daw-reaper'],
    ])
    expect(errors[0]!.message).toMatch(new RegExp(`reaper: dropped a \\d+-byte datagram from 127\\.0\\.0\\.1:${stranger.address().port}: not in --daw-allow \\(${otherAddress.replace(/\./g, '\\.')}\\)`))
    expect(listener.stats).toMatchObject({ packets: 5, refused: 2, messages: 3 })
  })

  test('off loopback without an allow-list nothing binds: a TypeError naming --daw-allow', async () => {
    const input = new RecordingInput()
    const attempt = attachDialects(input, ['reaper:0'], { host: '0.0.0.0' })
    await expect(attempt).rejects.toThrow(TypeError)
    await expect(attachDialects(input, ['reaper:0'], { host: '0.0.0.0' })).rejects.toThrow(/DAW dialect ports on 0\.0\.0\.0 \(not loopback\) need --daw-allow/)
  })

  test('a burst past the per-sender rate is refused as rate-limited and counted; the DAW is followed again once it slows down', async () => {
    const input = new RecordingInput()
    const errors: BridgeErrorInfo[] = []
    const attached = await attachDialects(input, ['reaper:0'], { maxMessagesPerSecond: 50, onError: (e) => errors.push(e) })
    cleanups.push(() => attached.close())
    const listener = attached.listeners[0]!
    const sender = await udp()
    for (let k = 0; k < 300; k++) {
      await send(sender, encodeOsc('/tempo/raw', [60 + (k % 100)]), listener.port)
      // let the listener read (it shares this thread; the kernel's receive buffer holds ~250 datagrams)
      if (k % 25 === 24) await new Promise((r) => setImmediate(r))
    }
    await waitFor(() => listener.stats.packets === 300)
    const limited = errors.filter((e) => e.code === 'rate-limited')
    // one second of budget is 50 datagrams, plus what refills while the burst is sent
    expect(limited.length).toBeGreaterThan(100)
    expect(limited.length).toBe(listener.stats.refused)
    expect(limited[0]!.message).toMatch(/reaper: dropped a \d+-byte datagram from 127\.0\.0\.1:\d+: over the rate limit \(options maxMessagesPerSecond, maxBytesPerSecond\)/)
    await new Promise((r) => setTimeout(r, 1100))
    await send(sender, encodeOsc('/tempo/raw', [177]), listener.port)
    await waitFor(() => input.state().tempo === 177)
  })
})

/** waitFor with this file's patience: 3000 ms, polling every 10 ms. */
function waitFor(check: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  return waitUntil(check, ms, 10)
}
