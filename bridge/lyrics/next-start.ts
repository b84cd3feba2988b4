/** For items sorted by start: the first later item with a strictly greater start, in one pass from the end. */

/** `out[i]` is the first item after i whose start is greater than item i's, or undefined; linear time (a file of a million lines stays fast). */
export function nextLaterStart<T extends { start: number }>(sorted: readonly T[]): (T | undefined)[] {
  const out = new Array<T | undefined>(sorted.length)
  let next: T | undefined
  for (let i = sorted.length - 1; i >= 0; i--) {
    const item = sorted[i]!
    // item i + 1 has a start >= item i's: when greater it is the answer, when equal it shares item i+1's answer
    const after = sorted[i + 1]
    if (after !== undefined) next = after.start > item.start ? after : out[i + 1]
    out[i] = next
  }
  return out
}
