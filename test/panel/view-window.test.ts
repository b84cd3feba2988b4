import { describe, expect, test } from 'vitest'
import { clampView, fitView, followView, panBy, tickStep, VIEW_LIMITS, zoomAt } from '../../panel/view-window.js'

describe('view window', () => {
  test('zooming keeps the anchor time at the same place on screen', () => {
    const v = zoomAt({ start: 10, span: 40 }, 0.5, 20, 600)
    expect(v.span).toBe(20)
    expect((20 - v.start) / v.span).toBeCloseTo((20 - 10) / 40)
  })

  test('zoom stops at the span limits', () => {
    expect(zoomAt({ start: 0, span: 4 }, 0.01, 2, 600).span).toBe(VIEW_LIMITS.minSpan)
    expect(zoomAt({ start: 0, span: 3000 }, 100, 0, 600).span).toBe(VIEW_LIMITS.maxSpan)
    expect(() => zoomAt({ start: 0, span: 10 }, 0, 0, 60)).toThrow(RangeError)
  })

  test('panning cannot leave the song', () => {
    expect(panBy({ start: 5, span: 30 }, -100, 600).start).toBe(0)
    expect(panBy({ start: 5, span: 30 }, 10_000, 600).start).toBe(600 - 15)
    expect(clampView({ start: 50, span: 30 }, 20).start).toBe(5)
  })

  test('following keeps the play head a quarter in from the left, never before zero', () => {
    expect(followView({ start: 0, span: 40 }, 100)).toEqual({ start: 90, span: 40 })
    expect(followView({ start: 50, span: 40 }, 3).start).toBe(0)
  })

  test('fit shows the whole song and ticks stay readable', () => {
    expect(fitView(600).span).toBeGreaterThanOrEqual(600)
    expect(tickStep(600, 8)).toBe(120)
    expect(tickStep(10, 8)).toBe(2)
  })
})
