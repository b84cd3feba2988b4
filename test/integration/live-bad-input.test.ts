import { createSocket } from 'node:dgram'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { WebSocket } from 'ws'
import type { Frame } from '../../bridge/analysis/types.js'
import type { Bridge } from '../../bridge/server/bridge.js'
import { encodeBundle, encodeOsc } from '../../bridge/server/osc-codec.js'
import type { BridgeErrorInfo } from '../../bridge/server/protocol.js'
import { encodeWsAudio } from '../../bridge/server/ws-audio-format.js'
import { playInto } from '../../bridge/stream/file-player.js'
import { audioMessage, openTarget } from '../../bridge/stream/stream-target.js'
import { demoClip, FeedClient, startBridge, tempDataDir, until } from './live-helpers.js'

const floatBlob = (values: number[]): Uint8Array => {
  const out = new Uint8Array(values.length * 4)
  const view = new DataView(out.buffer)
  values.forEach((v, i) => view.setFloat32(i * 4, v, true))
  return out
}

describe('bad input over real sockets: a clear error on the feed, the bridge keeps serving, nothing analysed is lost', () => {
  let bridge: Bridge
  let feed: FeedClient
  let baseline: Frame[]
  const udp = createSocket('udp4')
  const data = tempDataDir()
  /** Lines the bridge logged. */
  const logged: string[] = []
  let ws: WebSocket

  const sendUdp = (bytes: Uint8Array): Promise<void> =>
    new Promise((resolve, reject) => udp.send(bytes, bridge.oscPort!, '127.0.0.1', (err) => (err ? reject(err) : resolve())))
  const wsIn = async (): Promise<WebSocket> => {
    const s = new WebSocket(`${bridge.httpUrl!.replace('http', 'ws')}/ws-in`)
    await new Promise((resolve, reject) => (s.once('open', resolve), s.once('error', reject)))
    s.on('error', () => undefined)
    return s
  }

  /** Sends bad input, waits for a new feed error with `code`, returns it. */
  async function expectError(code: string, send: () => unknown): Promise<BridgeErrorInfo> {
    const seen = feed.of('error').length
    await send()
    const msg = await feed.waitFor((m) => m.type === 'error' && m.error.code === code && feed.of('error').indexOf(m) >= seen, 5000)
    const info = (msg as { error: BridgeErrorInfo }).error
    expect(info.message.length).toBeGreaterThan(20)
    expect(bridge.errors.count(code)).toBeGreaterThan(0)
    // and the same error in the bridge's log, naming where it came from
    expect(logged.some((line) => line.includes(`: ${code}: ${info.message}`) && line.includes(info.source))).toBe(true)
    return info
  }

  beforeAll(async () => {
    bridge = await startBridge({ dataDir: data.dir, maxMessageBytes: 1 << 20, maxLyricChars: 500, log: (line) => logged.push(line) })
    feed = await FeedClient.connect(bridge.httpUrl!)
    const clip = await demoClip(12, 16000)
    const target = await openTarget(`udp://127.0.0.1:${bridge.oscPort}`)
    await playInto(target, clip, { speed: 32, blockMs: 100, channels: 1 })
    await target.close()
    await bridge.settle()
    baseline = bridge.analysis().frames
    expect(baseline.length).toBe(24)
    ws = await wsIn()
  }, 60_000)

  afterAll(async () => {
    ws?.terminate()
    udp.close()
    feed?.close()
    await bridge?.close()
    data.remove()
  })

  test('malformed OSC: random bytes, a length not a multiple of 4, a truncated string', async () => {
    await expectError('osc-malformed', () => sendUdp(new Uint8Array([1, 2, 3])))
    await expectError('osc-malformed', () => sendUdp(Uint8Array.from({ length: 64 }, (_, i) => (i * 37) % 251)))
    const good = encodeOsc('/emolane/tempo', [120])
    const e = await expectError('osc-malformed', () => sendUdp(good.subarray(0, 8)))
    expect(e.source).toMatch(/^osc-udp 127\.0\.0\.1:\d+$/)
    await expectError('osc-malformed', () => ws.send(new Uint8Array([0x2f, 0x61, 0x00])))
  })

  test('wrong argument types and counts, unknown addresses', async () => {
    const e = await expectError('osc-bad-args', () => sendUdp(encodeOsc('/emolane/audio', ['two', 48000, 0, new Uint8Array(8)])))
    expect(e.message).toContain('channels i')
    await expectError('osc-bad-args', () => sendUdp(encodeOsc('/emolane/lyrics/line', [1, 2])))
    await expectError('osc-bad-args', () => sendUdp(encodeOsc('/emolane/transport/seek', ['soon'])))
    await expectError('osc-unknown-address', () => sendUdp(encodeOsc('/emolane/volume', [1])))
  })

  test('oversize and truncated blobs', async () => {
    // a blob that says it is longer than the datagram
    const msg = audioMessage({ channels: 1, sampleRate: 16000, time: 40, samples: new Float32Array(64) })
    await expectError('osc-malformed', () => sendUdp(msg.subarray(0, msg.length - 128)))
    // a blob that is not whole stereo frames
    await expectError('audio-bad-size', () => sendUdp(encodeOsc('/emolane/audio', [{ type: 'i', value: 2 }, { type: 'i', value: 48000 }, 40, floatBlob([0, 0, 0])])))
    // a binary audio frame whose header promises more samples than it carries
    const frame = encodeWsAudio({ channels: 2, sampleRate: 48000, time: 40, samples: new Float32Array(200) })
    await expectError('audio-bad-size', () => ws.send(frame.subarray(0, frame.length - 8)))
    // a block longer than maxBlockSeconds
    await expectError('audio-bad-size', () => ws.send(encodeWsAudio({ channels: 1, sampleRate: 8000, time: 40, samples: new Float32Array(8000 * 11) })))
    // a WebSocket message over maxMessageBytes: ws closes that connection, the bridge says why
    const big = await wsIn()
    await expectError('message-too-large', () => big.send(new Uint8Array((1 << 20) + 16)))
  })

  test('NaN and infinite samples', async () => {
    const e = await expectError('audio-nan', () => sendUdp(encodeOsc('/emolane/audio', [{ type: 'i', value: 1 }, { type: 'i', value: 16000 }, 40, floatBlob([0, NaN, 0, 0])])))
    expect(e.message).toContain('NaN')
    await expectError('audio-nan', () => ws.send(encodeWsAudio({ channels: 1, sampleRate: 16000, time: 40, samples: Float32Array.from([0, Infinity]) })))
  })

  test('unsupported sample rates and channel counts', async () => {
    const e = await expectError('audio-bad-rate', () => sendUdp(encodeOsc('/emolane/audio', [{ type: 'i', value: 1 }, { type: 'i', value: 4000 }, 40, floatBlob([0, 0])])))
    expect(e.message).toMatch(/8000, 192000/)
    await expectError('audio-bad-rate', () => ws.send(encodeWsAudio({ channels: 1, sampleRate: 400000, time: 40, samples: new Float32Array(4) })))
    await expectError('audio-bad-channels', () => sendUdp(encodeOsc('/emolane/audio', [{ type: 'i', value: 0 }, { type: 'i', value: 16000 }, 40, floatBlob([0])])))
  })

  test('out-of-order and overlapping blocks within one pass', async () => {
    const block = (time: number) => encodeWsAudio({ channels: 1, sampleRate: 16000, time, samples: new Float32Array(1600).fill(0.01) })
    ws.send(encodeOsc('/emolane/transport/seek', [40]))
    ws.send(block(40))
    ws.send(block(40.1))
    await expectError('audio-overlap', () => ws.send(block(40.1)))
    await expectError('audio-out-of-order', () => ws.send(block(40)))
  })

  test('invalid UTF-8 and huge lyric text', async () => {
    const msg = encodeOsc('/emolane/lyrics/line', [40, 42, 'ab'])
    const i = msg.lastIndexOf(0x61)
    msg[i] = 0xc3
    msg[i + 1] = 0x28 // an invalid two-byte sequence
    await expectError('osc-invalid-utf8', () => sendUdp(msg))
    const e = await expectError('lyrics-too-long', () => sendUdp(encodeOsc('/emolane/lyrics/line', [40, 42, 'la '.repeat(400)])))
    expect(e.message).toContain('1200 characters')
    await expectError('lyrics-bad-time', () => sendUdp(encodeOsc('/emolane/lyrics/line', [42, 40, 'backwards'])))
    await expectError('ws-text-frame', () => ws.send('{"lyrics": "hello"}'))
  })

  test('bundles are unpacked, and one bad message in a bundle does not stop the others', async () => {
    const seen = bridge.analysis().lyrics.length
    await expectError('osc-bad-args', () => sendUdp(encodeBundle([encodeOsc('/emolane/tempo', ['fast']), encodeOsc('/emolane/lyrics/line', [50, 52, 'still here'])])))
    await until(() => bridge.analysis().lyrics.length === seen + 1, 3000, 'the good line of the bundle')
  })

  test('an ingest client that disconnects mid-message and a feed client that vanishes leave the bridge serving', async () => {
    const s = await wsIn()
    s.send(encodeWsAudio({ channels: 1, sampleRate: 16000, time: 60, samples: new Float32Array(1600) }))
    // a raw socket that starts a frame and dies
    ;(s as unknown as { _socket: import('node:net').Socket })._socket.write(Buffer.from([0x82, 0x7e, 0x10, 0x00, 0x01, 0x02]))
    s.terminate()
    // a sender that just goes away (no close frame) is said on the feed and in the log
    const quits = await wsIn()
    quits.send(encodeWsAudio({ channels: 1, sampleRate: 16000, time: 61, samples: new Float32Array(1600) }))
    const e = await expectError('ingest-client-vanished', () => quits.terminate())
    expect(e.message).toContain('what it sent before stays in the timeline (1 message received)')
    const gone = await FeedClient.connect(bridge.httpUrl!)
    gone.ws.terminate()
    await until(() => bridge.status().clients === 1, 3000, 'the vanished feed client to be dropped')
    const res = await fetch(`${bridge.httpUrl}/health`)
    expect(res.status).toBe(200)
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true)
  })

  test('after all of it, the frames analysed before are all still there and new audio is still analysed', async () => {
    const now = bridge.analysis().frames
    for (const f of baseline) expect(now.find((g) => g.t === f.t)).toEqual(f)
    const clip = await demoClip(4, 16000)
    const target = await openTarget(`udp://127.0.0.1:${bridge.oscPort}`)
    await target.send('/emolane/transport/seek', [100])
    await target.send('/emolane/transport/play')
    for (let i = 0; i < clip.pcm.length; i += 1600) await target.audio({ channels: 1, sampleRate: 16000, time: 100 + i / 16000, samples: clip.pcm.slice(i, i + 1600) })
    await target.send('/emolane/transport/stop')
    await target.close()
    await until(() => bridge.analysis().frames.some((f) => f.t >= 100), 10_000, 'frames of the new audio')
  })
})
