import { readFileSync } from 'node:fs'
import { parseMidi } from 'midi-file'
import { describe, expect, test } from 'vitest'
import { FileFormatError, loadLyrics } from '../../../bridge/lyrics/index.js'
import { fixture } from './fixture-path.js'

describe('MIDI lyrics', () => {
  test('lyric meta events become lines at the right times through a tempo change', async () => {
    const lines = await loadLyrics(fixture('lyrics/song.mid'))
    expect(lines.map((l) => [l.text, +l.start.toFixed(6)])).toEqual([
      ['Paper lanterns', 2],
      ['Café noir', 3.5],
    ])
    expect(lines[0]!.words!.map((w) => [w.text, +w.start.toFixed(6), +w.end.toFixed(6)])).toEqual([
      ['Paper', 2, 2.6],
      ['lanterns', 2.6, 3.5],
    ])
  })

  test('agrees with an independent MIDI parser on where each lyric sits', async () => {
    const midi = parseMidi(readFileSync(fixture('lyrics/song.mid')))
    let tick = 0
    const ticks: number[] = []
    for (const e of midi.tracks[0]!) {
      tick += e.deltaTime
      if (e.type === 'lyrics') ticks.push(tick)
    }
    // 4 beats at 120 bpm, then 100 bpm: 0.6 s per 480-tick beat.
    const secs = (t: number) => (t <= 1920 ? t / 960 : 2 + ((t - 1920) / 480) * 0.6)
    const lines = await loadLyrics(fixture('lyrics/song.mid'))
    const starts = lines.flatMap((l) => l.words!.map((w) => w.start))
    expect(starts.map((s) => +s.toFixed(6))).toEqual([ticks[0], ticks[2], ticks[4], ticks[5]].map((t) => +secs(t!).toFixed(6)))
  })

  test('.kar text events: @ lines skipped, / starts a line, \\ a stanza', async () => {
    const lines = await loadLyrics(fixture('lyrics/song.kar'))
    expect(lines.map((l) => [l.text, l.start])).toEqual([
      ['Paper lanterns', 1],
      ['Every window', 2.25],
      ['Hold me', 4],
    ])
  })

  test('a truncated MIDI file names the file and byte', async () => {
    await expect(loadLyrics(fixture('lyrics/broken-truncated.mid'))).rejects.toThrow(/broken-truncated\.mid: byte \d+: .*truncated/)
  })

  test('a truncated .kar file names the file, the byte and the track', async () => {
    const path = fixture('lyrics/broken-truncated.kar')
    const err = await loadLyrics(path).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FileFormatError)
    expect(err).toMatchObject({ file: path, byte: 56 })
    expect((err as Error).message).toMatch(/broken-truncated\.kar: byte 56: track 2 claims 139 bytes but only 36 remain \(file truncated\?\)/)
  })

  test('bug: a .kar text event running past its track did not say which track; it names the file, byte and track', async () => {
    const path = fixture('lyrics/broken-event.kar')
    const err = await loadLyrics(path).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FileFormatError)
    expect(err).toMatchObject({ file: path, byte: 52 })
    expect((err as Error).message).toMatch(/broken-event\.kar: byte 52: track 2: expected 64 more bytes, the track ends at byte 60/)
  })

  test('bug: a .kar line too late to sing was quoted but not placed; it names the file, track and tick', async () => {
    const path = fixture('lyrics/broken-late.kar')
    const err = await loadLyrics(path).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FileFormatError)
    expect((err as Error).message).toMatch(/broken-late\.kar: lyric line "Too late" \(track 2, tick 200001\) has a time of 100000\.5 s: expected finite times in \[0, 86400\] s/)
  })
})
