import { describe, expect, test } from 'vitest'
import { HopLatency } from '../../bench/hop-latency.js'

describe('HopLatency', () => {
  test('times a window from the block after its last sample (complete) and from the block carrying it (lastSample)', () => {
    const h = new HopLatency(0.5, 3)
    h.block(2.95, 0, 0)
    h.block(3.0, 100, 0) // carries the last sample of the window ending at 3 s
    h.block(3.05, 150, 0) // the resampler's look-ahead: now the window is computable
    expect(h.frame(3.0, 170)).toEqual({ at: 170, complete: 20, lastSample: 70 })
    expect(h.waiting).toBe(0)
  })
  test('a pass ended by a seek completes the window at its end', () => {
    const h = new HopLatency(0.5, 3)
    h.block(3.5, 10, 0)
    h.segmentEnd(3.5, 12)
    h.block(0.05, 13, 1)
    expect(h.frame(3.5, 40)?.complete).toBe(28)
  })
  test('frames nobody waits for (recomputations, windows before the first end) are counted, not timed', () => {
    const h = new HopLatency(0.5, 3)
    h.block(2.5, 0, 0) // no window ends before 3 s
    expect(h.waiting).toBe(0)
    expect(h.frame(3.5, 5)).toBeNull()
    h.block(3.5, 10, 0)
    h.frame(3.5, 20)
    expect(h.frame(3.5, 30)).toBeNull()
    expect(h.unmatched).toBe(2)
    expect(h.samples).toHaveLength(1)
  })
  test('a window played again is timed again from its new audio', () => {
    const h = new HopLatency(0.5, 3)
    h.block(4.0, 0, 0)
    h.frame(4.0, 30)
    h.segmentEnd(4.0, 31)
    h.block(4.0, 1000, 1)
    expect(h.waiting).toBe(1)
    expect(h.frame(4.0, 1040)?.lastSample).toBe(40)
  })
  test('with an encoder lookahead a window is timed from the block that carries the audio it waits for past its end', () => {
    const h = new HopLatency(0.5, 3, 2)
    h.block(3.0, 0, 0) // the window ending at 3 s still waits for 2 s more
    expect(h.waiting).toBe(0)
    h.block(5.0, 2000, 0)
    h.block(5.05, 2050, 0)
    expect(h.frame(3.0, 2080)).toEqual({ at: 2080, complete: 30, lastSample: 80 })
    h.block(5.5, 2500, 0)
    h.segmentEnd(5.5, 2510) // stop: the window ending at 3.5 s is computable now, later ones are flushed
    expect(h.frame(3.5, 2530)?.complete).toBe(20)
    expect(h.frame(4.0, 2540)).toBeNull()
  })
})
