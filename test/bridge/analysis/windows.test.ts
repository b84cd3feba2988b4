import { describe, expect, test } from 'vitest'
import { planWindows } from '../../../bridge/analysis/windows.js'

describe('planWindows', () => {
  test('places a window at every hop from 0 up to the end of the clip', () => {
    const plans = planWindows(30, { window: 6, hop: 0.5 })
    expect(plans.length).toBe(60)
    expect(plans[0]).toEqual({ t: 0, start: -3, end: 3 })
    expect(plans.at(-1)!.t).toBe(29.5)
    plans.forEach((p, i) => expect(p.t).toBeCloseTo(i * 0.5, 9))
  })

  test('starts at a later time on the same grid (live analysis resumes where it left off)', () => {
    const plans = planWindows(10, { window: 6, hop: 0.5 }, 4.2)
    expect(plans[0]!.t).toBe(4.5)
    expect(plans.at(-1)!.t).toBe(9.5)
  })

  test('a clip shorter than a hop still gets one reading', () => {
    expect(planWindows(0.1, { window: 6, hop: 0.5 })).toEqual([{ t: 0, start: -3, end: 3 }])
    expect(planWindows(0, { window: 6, hop: 0.5 })).toEqual([])
  })

  test('rejects a zero hop and a NaN duration', () => {
    expect(() => planWindows(10, { window: 6, hop: 0 })).toThrow(/hop/)
    expect(() => planWindows(Number.NaN, { window: 6, hop: 0.5 })).toThrow(/duration/)
  })
})
