/** Shared helpers for the live-bridge integration tests: a bridge on free ports, the demo clip, a feed client. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import { decodeAudioFile } from '../../bridge/audio/decode.js'
import type { LyricLine, SectionSpan } from '../../bridge/analysis/types.js'
import { EmotionModel } from '../../bridge/engine/emotion-model.js'
import { loadLyrics } from '../../bridge/lyrics/index.js'
import { loadSections } from '../../bridge/sections/index.js'
import { Bridge, type BridgeDeps } from '../../bridge/server/bridge.js'
import type { FeedMessage } from '../../bridge/server/protocol.js'
import type { Song } from '../../bridge/stream/file-player.js'
import { mergeLines } from '../../panel/timeline-state.js'

import type { BridgeOptions } from '../../bridge/server/options.js'

/** True when the shipped model has trained weights (an untrained export's readings mean nothing). */
export function modelIsTrained(): boolean {
  const dir = process.env.EMOLANE_MODEL_DIR ?? join(import.meta.dirname, '..', '..', 'model')
  try {
    return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).trained === true
  } catch {
    return false
  }
}

let shared: Promise<EmotionModel> | null = null
/** One CPU model per test file (loading takes ~0.2 s, but sessions hold memory). */
export function sharedModel(): Promise<EmotionModel> {
  shared ??= EmotionModel.load({ device: 'cpu', threads: 1, onWarning: () => {} })
  return shared
}

/** A fresh data directory, removed by the returned function. */
export function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'emolane-test-'))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Starts a bridge on free ports with a quiet log and the shared model. */
export async function startBridge(options: BridgeOptions = {}, deps: BridgeDeps = {}): Promise<Bridge> {
  return Bridge.start({ host: '127.0.0.1', httpPort: 0, oscPort: 0, log: null, analysisThrottleMs: 100, ...options }, { model: await sharedModel(), ...deps })
}

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples')

/** The bundled demo song (first `seconds`), decoded at `rate`, with its lyrics and sections cut to fit. */
export async function demoClip(seconds: number, rate = 48000): Promise<Song & { lyrics: LyricLine[]; sections: SectionSpan[] }> {
  const audio = await decodeAudioFile(join(EXAMPLES, 'demo-song.mp3'), { sampleRate: rate })
  const pcm = audio.pcm.slice(0, Math.round(seconds * rate))
  const lyrics = (await loadLyrics(join(EXAMPLES, 'demo-song.lrc'), { duration: audio.duration })).filter((l) => l.start < seconds).map((l) => ({ ...l, end: Math.min(l.end, seconds) }))
  const sections = (await loadSections(join(EXAMPLES, 'demo-sections.csv'), { duration: audio.duration })).filter((s) => s.start < seconds).map((s) => ({ ...s, end: Math.min(s.end, seconds) }))
  return { pcm, sampleRate: rate, lyrics, sections, tempo: 135 }
}

/** A /ws feed client that records every message. */
export class FeedClient {
  readonly messages: FeedMessage[] = []
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.messages.push(JSON.parse(String(data)) as FeedMessage))
  }

  static async connect(httpUrl: string, token?: string): Promise<FeedClient> {
    const url = `${httpUrl.replace(/^http/, 'ws')}/ws${token ? `?token=${token}` : ''}`
    const ws = new WebSocket(url)
    const client = new FeedClient(ws)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    return client
  }

  of<T extends FeedMessage['type']>(type: T): Extract<FeedMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<FeedMessage, { type: T }> => m.type === type)
  }

  /** The lyric lines the feed has shown so far: the snapshot's, then full 'lyrics' lists and 'lyric-lines' changes applied in order. */
  lyrics(): LyricLine[] {
    let lines: LyricLine[] = []
    for (const m of this.messages) {
      if (m.type === 'snapshot') lines = [...m.analysis.lyrics]
      else if (m.type === 'lyrics') lines = [...m.lines]
      else if (m.type === 'lyric-lines') lines = mergeLines(lines, m.lines)
    }
    return lines
  }

  /** Waits until a message matching `pred` has arrived. */
  async waitFor(pred: (m: FeedMessage) => boolean, timeoutMs = 10_000): Promise<FeedMessage> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const m = this.messages.find(pred)
      if (m) return m
      if (Date.now() > deadline) throw new Error(`no matching feed message within ${timeoutMs} ms; got types ${[...new Set(this.messages.map((x) => x.type))].join(', ')}`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  close(): void {
    this.ws.close()
  }
}

/** Polls until `check` returns true. */
export async function until(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
