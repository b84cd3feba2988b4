import { sleep, waitFor } from '../../helpers/wait.js'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import type { Analysis } from '../../../bridge/analysis/types.js'
import { decodeAudioFile } from '../../../bridge/audio/decode.js'
import { checkHeader } from '../../../bridge/watch/audio-complete.js'
import { BounceWatcher, type WatchEvent } from '../../../bridge/watch/bounce-watcher.js'
import { bounceInPlace, sinePcm, wavFile, wavHeader } from './wav-writer.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'emolane-watch-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** A watcher whose "analysis" decodes the file for real (so a half-written file would fail) and records what it heard. */
async function startWatcher(target: string, settleMs = 300) {
  const events: WatchEvent[] = []
  const heard: { file: string; duration: number; at: number }[] = []
  const watcher = new BounceWatcher(target, {
    settleMs,
    pollMs: 50,
    analyze: async (file) => {
      const audio = await decodeAudioFile(file, { sampleRate: 8000 })
      heard.push({ file, duration: audio.duration, at: Date.now() })
      return { source: file, duration: audio.duration } as unknown as Analysis
    },
    onEvent: (e) => events.push(e),
  })
  cleanups.push(() => watcher.close())
  await watcher.start()
  return { watcher, events, heard }
}

describe('bounce watcher', () => {
  test('rewriting a WAV in place triggers exactly one re-analysis, after the write completes', async () => {
    const dir = folder()
    const file = join(dir, 'mix.wav')
    writeFileSync(file, wavFile(1))
    const { watcher, heard } = await startWatcher(dir)
    await waitFor(() => heard.length === 1)
    expect(heard[0]!.duration).toBeCloseTo(1, 2)

    await bounceInPlace(file, sinePcm(2, 8000, 660), 8000, { chunks: 8, pauseMs: 80 })
    const written = Date.now()
    await waitFor(() => heard.length === 2)
    await sleep(800) // time for any spurious extra run
    expect(heard.length).toBe(2)
    expect(heard[1]!.at).toBeGreaterThanOrEqual(written)
    expect(heard[1]!.duration).toBeCloseTo(2, 2)
    expect((watcher.timelines.get(file) as unknown as { duration: number }).duration).toBeCloseTo(2, 2)
  })

  test('a render that pauses longer than the settle time is not analysed until its header is patched', async () => {
    const dir = folder()
    const file = join(dir, 'slow.wav')
    const { events, heard } = await startWatcher(dir, 150)
    // A long stall mid-render (a heavy plug-in, say): the size is stable but the header is a placeholder.
    await bounceInPlace(file, sinePcm(1, 8000), 8000, { chunks: 3, pauseMs: 400 })
    await waitFor(() => heard.length === 1)
    await sleep(400)
    expect(heard.length).toBe(1)
    expect(heard[0]!.duration).toBeCloseTo(1, 2)
    expect(events.some((e) => e.type === 'waiting' && /placeholder/.test(e.reason))).toBe(true)
  })

  test('each bounce in a folder keeps its own timeline; other files are ignored', async () => {
    const dir = folder()
    writeFileSync(join(dir, 'verse-idea.wav'), wavFile(0.5))
    writeFileSync(join(dir, 'chorus-idea.wav'), wavFile(1.5))
    writeFileSync(join(dir, 'notes.txt'), 'not audio')
    const { watcher, heard } = await startWatcher(dir, 100)
    await waitFor(() => heard.length === 2)
    // a timeline is kept once its analysis has returned, a moment after the file was heard
    await waitFor(() => watcher.timelines.size === 2)
    expect([...watcher.timelines.keys()].map((f) => f.slice(dir.length + 1)).sort()).toEqual(['chorus-idea.wav', 'verse-idea.wav'])
  })

  test('a file that never decodes is retried a few times, then left until it changes; the watch keeps running', async () => {
    const dir = folder()
    writeFileSync(join(dir, 'broken.mp3'), 'this is not an mp3 at all')
    const { events } = await startWatcher(dir, 30)
    await waitFor(() => events.some((e) => e.type === 'failed' && !e.willRetry))
    const failures = events.filter((e) => e.type === 'failed')
    expect(failures.length).toBe(4)
    expect((failures[0] as Extract<WatchEvent, { type: 'failed' }>).error.message).toMatch(/broken\.mp3/)
    await sleep(300)
    expect(events.filter((e) => e.type === 'failed').length).toBe(4)
  })

  test('watching a path that does not exist says so', async () => {
    const w = new BounceWatcher('/nonexistent/emolane/mix.wav', { analyze: async () => ({}) as Analysis })
    await expect(w.start()).rejects.toThrow(/cannot watch .*mix\.wav: no such file or folder/)
  })
})

describe('WAV and AIFF completeness', () => {
  test('header sizes against the file size', () => {
    const full = wavFile(0.1)
    expect(checkHeader(full, full.length)).toEqual({ state: 'complete' })
    expect(checkHeader(full, full.length - 10).state).toBe('incomplete')
    expect(checkHeader(wavHeader(0, 8000), 44 + 1600)).toEqual({ state: 'incomplete', reason: 'WAV header still has a placeholder size' })
    expect(checkHeader(new TextEncoder().encode('ID3 mp3 frames ...'), 18)).toEqual({ state: 'unknown' })
  })
})
