import { describe, expect, test } from 'vitest'
import { pendingStretch, songEnded } from '../../panel/pending-stretch.js'

const frames = (to: number) => Array.from({ length: to * 2 + 1 }, (_, i) => ({ t: i / 2 }))
const stopped = { playing: false, time: 56.4, tempo: 120, receivedAt: 0 }

describe('what is still being analysed', () => {
  test('the stretch from the newest reading to the play head, once it is longer than one and a half hops', () => {
    expect(pendingStretch(frames(20), 26, 0.5)).toEqual({ start: 20, end: 26 })
    expect(pendingStretch(frames(20), 20.6, 0.5)).toBeNull()
    expect(pendingStretch([], 4, 0.5)).toEqual({ start: 0, end: 4 })
  })

  test('readings ahead of the play head (an earlier pass) do not hide the gap before it', () => {
    const fs = [...frames(10), { t: 30 }, { t: 30.5 }]
    expect(pendingStretch(fs, 16, 0.5)).toEqual({ start: 10, end: 16 })
  })
})

describe('when the song has ended', () => {
  test('stopped within a window of the end of the known song', () => {
    expect(songEnded(stopped, 56.4, 59, 6)).toBe(true)
    expect(songEnded({ ...stopped, playing: true }, 56.4, 59, 6)).toBe(false)
    expect(songEnded(stopped, 30, 59, 6)).toBe(false) // stopped mid-song
    expect(songEnded(stopped, 0, 0, 6)).toBe(false) // nothing heard yet
  })
})
