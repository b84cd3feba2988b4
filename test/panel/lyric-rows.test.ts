import { describe, expect, test } from 'vitest'
import { packLyricRows } from '../../panel/lyric-rows.js'

const view = { start: 0, span: 60 }
/** Lines every 4 s, each needing `px` pixels, in a 600 px lane (10 px a second). */
const lines = (n: number) => Array.from({ length: n }, (_, i) => ({ start: i * 4, end: i * 4 + 4 }))

describe('packing lyric lines into rows', () => {
  test('lines that fit one after another stay on one row, whole', () => {
    const { placements, rows } = packLyricRows(lines(3), [30, 30, 30], view, 600, 5)
    expect(rows).toBe(1)
    expect(placements.map((p) => [p.row, p.maxWidth])).toEqual([
      [0, 30],
      [0, 30],
      [0, 30],
    ])
  })

  test('a line longer than the gap to the next goes on past its end time, and the next takes a new row', () => {
    const { placements, rows } = packLyricRows(lines(3), [100, 100, 100], view, 600, 5)
    expect(rows).toBe(3)
    expect(placements.map((p) => p.row)).toEqual([0, 1, 2])
    expect(placements.every((p) => p.maxWidth === 100)).toBe(true)
  })

  test('near the lane end a long line wraps onto the rows below instead of being cut', () => {
    const { placements } = packLyricRows([{ start: 52, end: 56 }], [150], view, 600, 5)
    expect(placements[0]).toMatchObject({ row: 0, rows: 3, left: 520, maxWidth: 80 })
  })

  test('with every row taken, a line cuts short the line before it on one row only', () => {
    const { placements, rows } = packLyricRows(lines(4), [200, 200, 200, 200], view, 600, 2)
    expect(rows).toBe(2)
    expect(placements.map((p) => p.row)).toEqual([0, 1, 0, 1])
    expect(placements[0]!.maxWidth).toBe(80 - 2) // cut where the third line starts, less a 2 px gap
    expect(placements[3]!.maxWidth).toBe(200)
  })

  test('lines outside the view are left out', () => {
    const { placements } = packLyricRows(lines(20), Array(20).fill(10), { start: 20, span: 10 }, 600, 5)
    expect(placements.map((p) => p.index)).toEqual([5, 6, 7]) // line 4 ends where the view starts
    expect(() => packLyricRows([], [], view, 600, 0)).toThrow(/maxRows must be at least 1, got 0/)
  })
})
