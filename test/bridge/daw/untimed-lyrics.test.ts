/** An untimed lyric file in serve: its lines follow the sections the DAW sends (or the song as it grows); timed files and the DAW's own lines stay put. */
import { sleep, waitFor } from '../../helpers/wait.js'
import { createSocket } from 'node:dgram'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import type { LyricLine, SectionSpan } from '../../../bridge/analysis/types.js'
import { attachDawServe } from '../../../bridge/daw/serve-integration.js'
import { UntimedLyrics } from '../../../bridge/daw/untimed-lyrics.js'
import { loadLyrics, openLyrics } from '../../../bridge/lyrics/index.js'
import { encodeOsc, type OscValue } from '../../../bridge/server/osc-codec.js'
import type { Bridge } from '../../../bridge/server/bridge.js'
import type { BridgeEvents } from '../../../bridge/server/protocol.js'
import { TypedEmitter } from '../../../bridge/server/typed-emitter.js'
import { startBridge, tempDataDir } from '../../integration/live-helpers.js'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const EIGHT_LINES = [
  '[Verse]',
  'Paper lanterns burning',
  'Every window wide awake',
  'Streets are humming low tonight',
  'Nobody wants to go home',
  '',
  '[Chorus]',
  'Hold me while the city sleeps',
  'Hold me till the morning',
  'Keep the lights on',
  'Hold me while the city sleeps',
].join('\n')

const LRC = '[00:01.00]Paper lanterns burning\n[00:05.00]Every window wide awake\n[00:09.00]Hold me while the city sleeps\n'

/** Files in a fresh folder. */
function files(contents: Record<string, string>): Record<string, string> {
  const { dir, remove } = tempDataDir()
  cleanups.push(remove)
  return Object.fromEntries(Object.entries(contents).map(([name, text]) => (writeFileSync(join(dir, name), text), [name, join(dir, name)])))
}

/** A live bridge with serve's --lyrics, and a UDP sender to its OSC port (as a DAW or script sends). */
async function serve(lyrics: string): Promise<{ bridge: Bridge; send: (address: string, ...args: OscValue[]) => Promise<void> }> {
  const bridge = await startBridge({ persist: false })
  cleanups.push(() => bridge.close())
  const daw = await attachDawServe(bridge, { lyrics, log: null })
  cleanups.push(() => daw.close())
  const sender = createSocket('udp4')
  cleanups.push(() => new Promise<void>((r) => sender.close(() => r())))
  const send = (address: string, ...args: OscValue[]) =>
    new Promise<void>((resolve, reject) => sender.send(encodeOsc(address, args), bridge.oscPort!, '127.0.0.1', (e) => (e ? reject(e) : resolve())))
  return { bridge, send }
}

const texts = (lines: readonly LyricLine[]) => lines.map((l) => l.text)
const span = (start: number, end: number, name: string): SectionSpan => ({ start, end, name, source: 'daw' })

describe('an untimed lyric file in serve', () => {
  test('plain text lines spread over the two sections the DAW sends later, as loadLyrics places them offline', async () => {
    const { 'song.txt': txt } = files({ 'song.txt': EIGHT_LINES })
    const { bridge, send } = await serve(txt!)
    await waitFor(() => bridge.analysis().lyrics.length === 8)
    expect(bridge.analysis().lyrics).toEqual(await loadLyrics(txt!)) // nothing known yet: the nominal pace

    await send('/emolane/section', 0, 20, 'Verse 1')
    await send('/emolane/section', 20, 36, 'Chorus')
    const offline = await loadLyrics(txt!, { sections: [span(0, 20, 'Verse 1'), span(20, 36, 'Chorus')] })
    await waitFor(() => JSON.stringify(bridge.analysis().lyrics) === JSON.stringify(offline))
    expect(offline.filter((l) => l.start >= 20).map((l) => l.text)[0]).toBe('Hold me while the city sleeps')
    expect(bridge.analysis().lyrics.at(-1)!.end).toBe(36)

    // sections cleared: back to the pace used with nothing known (no audio yet)
    await send('/emolane/sections/clear')
    const nominal = await loadLyrics(txt!)
    await waitFor(() => JSON.stringify(bridge.analysis().lyrics) === JSON.stringify(nominal))
  })

  test('lyric lines the DAW sent over OSC are left alone when the file is placed again', async () => {
    const { 'song.txt': txt } = files({ 'song.txt': EIGHT_LINES })
    const { bridge, send } = await serve(txt!)
    await send('/emolane/lyrics/line', 50, 52.5, 'ad lib, from the DAW')
    await send('/emolane/lyrics/line', 3.25, 4.5, 'a whisper over the verse')
    await waitFor(() => bridge.analysis().lyrics.length === 10)
    const daw = bridge.analysis().lyrics.filter((l) => /DAW|whisper/.test(l.text))
    expect(daw.map((l) => [l.start, l.end])).toEqual([[3.25, 4.5], [50, 52.5]])

    await send('/emolane/section', 0, 20, 'Verse 1')
    await send('/emolane/section', 20, 36, 'Chorus')
    const offline = await loadLyrics(txt!, { sections: [span(0, 20, 'Verse 1'), span(20, 36, 'Chorus')] })
    const expected = [...offline, ...daw].sort((a, b) => a.start - b.start)
    await waitFor(() => JSON.stringify(bridge.analysis().lyrics) === JSON.stringify(expected))
    expect(texts(bridge.analysis().lyrics).filter((t) => t === 'ad lib, from the DAW')).toHaveLength(1)
  })

  test('an empty lyric file is taken, with a warning that the music is analysed alone', async () => {
    const { 'empty.lrc': lrc, 'blank.txt': txt } = files({ 'empty.lrc': '', 'blank.txt': '\n  \n' })
    for (const path of [lrc!, txt!]) {
      const bridge = await startBridge({ persist: false })
      cleanups.push(() => bridge.close())
      const warnings: string[] = []
      const daw = await attachDawServe(bridge, { lyrics: path, log: null, onWarning: (m) => warnings.push(m) })
      cleanups.push(() => daw.close())
      expect(warnings).toEqual([`lyrics file ${path} has no lines (is it empty?): analysing the music alone`])
      expect(bridge.analysis().lyrics).toEqual([])
    }
    const { 'song.lrc': full } = files({ 'song.lrc': LRC })
    const warnings: string[] = []
    const bridge = await startBridge({ persist: false })
    cleanups.push(() => bridge.close())
    cleanups.push((await attachDawServe(bridge, { lyrics: full!, log: null, onWarning: (m) => warnings.push(m) })).close)
    expect(warnings).toEqual([])
  })

  test('a timed LRC file is not moved when sections arrive', async () => {
    const { 'song.lrc': lrc } = files({ 'song.lrc': LRC })
    const { bridge, send } = await serve(lrc!)
    const timed = await loadLyrics(lrc!)
    await waitFor(() => bridge.analysis().lyrics.length === 3)
    await send('/emolane/section', 0, 20, 'Verse 1')
    await send('/emolane/section', 20, 36, 'Chorus')
    await waitFor(() => bridge.spans.length === 2)
    await sleep(300)
    expect(bridge.analysis().lyrics).toEqual(timed)
  })
})

/** A bridge as UntimedLyrics sees it: one line per start, events as the Bridge emits them. */
class FakeHost extends TypedEmitter<BridgeEvents> {
  spans: SectionSpan[] = []
  lines: LyricLine[] = []
  duration = 0
  lyricLine(line: LyricLine): void {
    this.lines = [...this.lines.filter((l) => Math.abs(l.start - line.start) >= 0.001), line].sort((a, b) => a.start - b.start)
    this.emit('lyrics', [...this.lines])
  }
  clearLyrics(): void {
    this.lines = []
    this.emit('lyrics', [])
  }
  analysis() {
    return { duration: this.duration, lyrics: [...this.lines] }
  }
  fire<K extends keyof BridgeEvents>(name: K, ...args: BridgeEvents[K]): void {
    this.emit(name, ...args)
  }
}

describe('UntimedLyrics without sections', () => {
  test('spreads the lines over the song when the transport stops and each time the song has grown by half', async () => {
    const { 'song.txt': txt } = files({ 'song.txt': EIGHT_LINES })
    const source = await openLyrics(txt!)
    const host = new FakeHost()
    const follower = new UntimedLyrics(host, source, { checkEveryMs: 0 })
    cleanups.push(() => follower.close())
    const stopped = { playing: false, time: 0, tempo: null }
    expect(host.lines).toEqual(source.place())

    host.duration = 12
    host.fire('frames', [])
    expect(host.lines).toEqual(source.place({ duration: 12 }))
    host.duration = 16 // grown by a third: the lines stay while the song plays on
    host.fire('frames', [])
    expect(host.lines).toEqual(source.place({ duration: 12 }))
    host.fire('transport', stopped)
    expect(host.lines).toEqual(source.place({ duration: 16 }))
    host.duration = 24 // by half, and by 8 s: less than 10 s
    host.fire('frames', [])
    expect(host.lines).toEqual(source.place({ duration: 16 }))
    host.duration = 26
    host.fire('frames', [])
    expect(host.lines).toEqual(source.place({ duration: 26 }))
    expect(host.lines.at(-1)!.end).toBe(26)
  })

  test('a lyric clear from elsewhere drops the file lines for good', async () => {
    const { 'song.txt': txt } = files({ 'song.txt': EIGHT_LINES })
    const host = new FakeHost()
    const follower = new UntimedLyrics(host, await openLyrics(txt!), { debounceMs: 0 })
    cleanups.push(() => follower.close())
    host.clearLyrics()
    host.spans = [span(0, 20, 'Verse')]
    host.fire('spans', host.spans)
    await sleep(20)
    expect(host.lines).toEqual([])
  })

  test('lines restored from the project with the file text are taken as the file lines and moved', async () => {
    const { 'song.txt': txt } = files({ 'song.txt': EIGHT_LINES })
    const source = await openLyrics(txt!)
    const host = new FakeHost()
    const restored = source.place({ duration: 100 })
    host.lines = [...restored, { start: 200, end: 202, text: 'from the DAW' }]
    host.spans = [span(0, 20, 'Verse'), span(20, 36, 'Chorus')]
    const follower = new UntimedLyrics(host, source)
    cleanups.push(() => follower.close())
    expect(host.lines).toEqual([...source.place({ sections: host.spans }), { start: 200, end: 202, text: 'from the DAW' }])
  })
})
