import { expect, test } from 'vitest'
import { IntervalSet } from '../../../bridge/stream/interval-set.js'
import { WindowScheduler } from '../../../bridge/stream/window-scheduler.js'

// 6 s windows centred every 0.5 s at 16 kHz: window k spans [(k/2 - 3) s, (k/2 + 3) s)
const grid = { length: 6, hop: 0.5, firstStart: -3, sampleRate: 16000 }
const s = (seconds: number) => seconds * 16000

test('a window is due once its audio is complete and the write head has left it', () => {
  const sch = new WindowScheduler(grid)
  const written = new IntervalSet([[0, s(5)]])
  sch.touch([0, s(5)], 1)
  // centre 2 s needs [0, 5) s: complete; centre 2.5 s needs up to 5.5 s: not yet
  expect(sch.due(written, 5, false).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4])
  // with the head at 4 s, the window ending at 5 s is still being written
  expect(sch.due(written, 4, false)).not.toContain(4)
})

test('at a flush every window whose centre has audio is due, silence filling the rest', () => {
  const sch = new WindowScheduler(grid)
  const written = new IntervalSet([[0, s(5)]])
  sch.touch([0, s(5)], 1)
  expect(sch.due(written, null, true).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
})

test('due windows come newest first: latest write, then latest in song time', () => {
  const sch = new WindowScheduler(grid)
  const written = new IntervalSet([[0, s(20)]])
  sch.touch([0, s(10)], 1)
  sch.touch([s(10), s(20)], 2)
  const due = sch.due(written, null, true)
  expect(due[0]).toBeGreaterThan(due[due.length - 1]!)
  expect(due[0]).toBe(39)
})

test('a result for a window written again while it ran is stale and the window stays due', () => {
  const sch = new WindowScheduler(grid)
  const written = new IntervalSet([[0, s(10)]])
  sch.touch([0, s(10)], 1)
  const [job] = sch.take(written, null, true, 1)
  sch.touch([s(job!.start + 3), s(job!.start + 3.1)], 2)
  expect(sch.finish(job!, true)).toBe(false)
  expect(sch.coalesced).toBe(1)
  expect(sch.due(written, null, true)).toContain(job!.index)
})

test('a write just past a window, within the front end reach, recomputes it (was: re-recorded takes left the bordering windows stale)', () => {
  // the first and last STFT frames of a window read 131 samples before and after it
  const sch = new WindowScheduler({ ...grid, reach: [131, 131] })
  const plain = new WindowScheduler(grid)
  // window 16 spans [5, 11) s: a take that starts 5 ms after its end still changes its last log-mel frame
  expect(sch.windowsTouching(s(11) + 80, s(12))[0]).toBe(16)
  expect(plain.windowsTouching(s(11) + 80, s(12))[0]).toBe(17)
  // and one that ends 5 ms before its start changes its first frame
  expect(sch.windowsTouching(s(4), s(5) - 80)[1]).toBe(16)
  expect(plain.windowsTouching(s(4), s(5) - 80)[1]).toBe(15)
})

test('with a reach, a window is due only once the samples its last frame reads have arrived', () => {
  const sch = new WindowScheduler({ ...grid, reach: [131, 131] })
  sch.touch([0, s(5) + 131], 1)
  // window 4 spans [-1, 5) s and its last frame reads up to 5 s + 131 samples
  expect(sch.due(new IntervalSet([[0, s(5)]]), 5, false)).not.toContain(4)
  expect(sch.due(new IntervalSet([[0, s(5) + 131]]), 5 + 131 / 16000, false)).toContain(4)
})
