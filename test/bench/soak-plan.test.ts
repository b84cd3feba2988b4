import { describe, expect, test } from 'vitest'
import { longSong, loopPlan, seekEditPlan } from '../../bench/soak-plan.js'

const lyrics = Array.from({ length: 10 }, (_, i) => ({ start: i * 18 + 0.4, end: i * 18 + 17, text: `line ${i}` }))

describe('soak plans', () => {
  test('the loop plays the whole song until the soak length is reached', () => {
    const plan = loopPlan(188, 1800)
    expect(plan).toHaveLength(10)
    expect(plan.every((s) => s.from === 0 && s.until === 188)).toBe(true)
  })
  test('the seek-and-edit plan stays inside the song, plays long enough and is the same every run', () => {
    const a = seekEditPlan(188, lyrics, 3600)
    const played = a.segments.reduce((s, x) => s + x.until - x.from, 0)
    expect(played).toBeGreaterThanOrEqual(3600)
    expect(a.segments.every((s) => s.from >= 0 && s.until <= 188 && s.until > s.from)).toBe(true)
    expect(a.segments.length).toBeGreaterThan(30)
    expect(seekEditPlan(188, lyrics, 3600)).toEqual(a)
  })
  test('the seek-and-edit plan first plays the whole song once, so every second of it is heard before the jumps', () => {
    const { segments } = seekEditPlan(188, lyrics, 3600)
    expect(segments[0]).toEqual({ from: 0, until: 188 })
    expect(heardAfter(segments, 188, 188)).toBe(1)
    // without the pass, random stretches leave parts of the song unheard long after a song's length of play
    const jumps = seekEditPlan(188, lyrics, 3600, { firstPass: false }).segments
    expect(heardAfter(jumps, 188, 188)).toBeLessThan(0.8)
    expect(heardAfter(jumps, 188, 376)).toBeLessThan(0.95)
  })
  test('each lyric edit rewrites an existing line (same start and end) with different words', () => {
    const { segments, edits } = seekEditPlan(188, lyrics, 600, { editEvery: 30 })
    const played = segments.reduce((s, x) => s + x.until - x.from, 0)
    // one every 30 s of song played, none at the very start
    expect(edits).toHaveLength(Math.ceil(played / 30) - 1)
    for (const e of edits) {
      const old = lyrics.find((l) => l.start === e.line.start)
      expect(old?.end).toBe(e.line.end)
      expect(e.line.text).not.toBe(old?.text)
    }
  })
  test('the long song plays the song back to back without a seek, its lyrics repeated, and no DAW sections', () => {
    const pcm = Float32Array.from({ length: 1000 }, (_, i) => i)
    const long = longSong({ pcm, sampleRate: 100, lyrics: [{ start: 1, end: 2, text: 'a' }, { start: 8, end: 9.5, text: 'b' }] }, 25)
    expect(long.pcm.length).toBe(2500)
    expect(long.pcm[1000]).toBe(0)
    expect(long.pcm[2499]).toBe(499)
    expect(long.segments).toEqual([{ from: 0, until: 25 }])
    expect(long.sections).toEqual([])
    expect(long.lyrics.map((l) => [l.start, l.text])).toEqual([[1, 'a'], [8, 'b'], [11, 'a'], [18, 'b'], [21, 'a']])
  })
})

/** Share of the song's 0.1 s steps heard once `played` seconds of the plan have been played. */
function heardAfter(segments: { from: number; until: number }[], duration: number, played: number): number {
  const heard = new Uint8Array(Math.round(duration * 10))
  let left = played
  for (const s of segments) {
    for (let k = Math.round(s.from * 10); k < Math.round(s.until * 10) && left > 0; k++, left -= 0.1) heard[k] = 1
    if (left <= 0) break
  }
  return heard.reduce((a, b) => a + b, 0) / heard.length
}
