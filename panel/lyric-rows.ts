/** Stacks lyric lines in rows so each shows its whole text where the view has room: pure layout maths. */
import type { Seconds } from '../bridge/analysis/types.js'
import type { ViewWindow } from './view-window.js'

/**
 * Where one lyric line goes: its first row and how many rows it takes (more than one where its text
 * wraps because the lane ends before it), and its left edge and widest extent in pixels of the lane.
 */
export type LyricPlacement = { index: number; row: number; rows: number; left: number; maxWidth: number }

/** Pixels kept free between two lines on one row; a crowded lane narrows it to MIN_GAP before cutting a line. */
const GAP = 6
const MIN_GAP = 2
/** Most rows one line wraps onto near the lane's end, and the room it asks for beyond its one-row width. */
const MAX_WRAP = 3
const WRAP_SLACK = 1.3

/**
 * Places the lines in view (in song order) each on the first row that is free at its start, so a line
 * runs on past its end time as far as its text needs; a line too long for the room left before the
 * lane's end wraps onto as many rows as it needs (at most 3). Only when `maxRows` rows are all taken
 * does a line cut short the lines before it, on the rows where that cuts the fewest pixels. `widths[i]` is the pixel
 * width the text of `lines[i]` needs on one row; `lanePx` the lane's width. Returns the placements and
 * the rows used.
 */
export function packLyricRows(
  lines: readonly { start: Seconds; end: Seconds }[],
  widths: readonly number[],
  view: ViewWindow,
  lanePx: number,
  maxRows: number,
): { placements: LyricPlacement[]; rows: number } {
  if (!(maxRows >= 1)) throw new RangeError(`maxRows must be at least 1, got ${maxRows}`)
  const end = view.start + view.span
  const rowEnds: number[] = [] // per row, the pixel from which it is free
  const lastOnRow: LyricPlacement[] = []
  const placements: LyricPlacement[] = []
  const freeAt = (row: number, x: number) => (rowEnds[row] ?? -Infinity) <= x
  lines.forEach((line, index) => {
    if (!(line.end > view.start && line.start < end)) return
    const left = ((Math.max(line.start, view.start) - view.start) / view.span) * lanePx
    const room = Math.max(1, lanePx - left)
    const need = widths[index] ?? 0
    // wrapping breaks between words, so a wrapped line needs some room to spare on each row
    // (a line with too little room to wrap into MAX_WRAP rows runs off the lane's end, as a line past the view does)
    const wrapped = Math.ceil((need * WRAP_SLACK) / room)
    const span = need <= room || wrapped > Math.min(MAX_WRAP, maxRows) ? 1 : wrapped
    let row = -1
    for (let r = 0; r + span <= maxRows && row < 0; r++) {
      let free = true
      for (let k = r; k < r + span; k++) free &&= freeAt(k, left)
      if (free) row = r
    }
    const rows = span
    if (row < 0) {
      // Every row is taken here: share the rows whose last lines lose the fewest pixels, and cut those.
      const overrun = (k: number) => Math.max(0, rowEnds[k]! - GAP + MIN_GAP - left)
      let best = Infinity
      for (let r = 0; r + span <= rowEnds.length; r++) {
        let cost = 0
        for (let k = r; k < r + span; k++) cost += overrun(k)
        if (cost < best) [best, row] = [cost, r]
      }
      for (let k = row; k < row + span; k++) {
        const before = lastOnRow[k]!
        if (overrun(k) > 0) before.maxWidth = Math.max(0, left - before.left - MIN_GAP)
      }
    }
    const placed = { index, row, rows, left, maxWidth: Math.max(0, Math.min(rows > 1 ? room : need, room)) }
    placements.push(placed)
    for (let k = row; k < row + rows; k++) {
      lastOnRow[k] = placed
      rowEnds[k] = left + placed.maxWidth + GAP
    }
  })
  return { placements, rows: rowEnds.length }
}
