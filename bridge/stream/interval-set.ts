/** A set of half-open integer ranges [start, end), kept sorted, disjoint and merged. */

/** A half-open range of sample indices. */
export type Range = [start: number, end: number]

/** Sorted, merged half-open ranges with add, remove and coverage queries. */
export class IntervalSet {
  private ranges: Range[] = []

  constructor(ranges: Iterable<Range> = []) {
    for (const [a, b] of ranges) this.add(a, b)
  }

  /** Index of the first range whose end is > x. */
  private firstEndingAfter(x: number): number {
    let lo = 0
    let hi = this.ranges.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.ranges[mid]![1] > x) hi = mid
      else lo = mid + 1
    }
    return lo
  }

  /** Adds [a, b); touching ranges merge. */
  add(a: number, b: number): void {
    if (!(b > a)) return
    let i = this.firstEndingAfter(a - 1) // a range ending exactly at a touches
    let start = a
    let end = b
    let j = i
    while (j < this.ranges.length && this.ranges[j]![0] <= b) {
      start = Math.min(start, this.ranges[j]![0])
      end = Math.max(end, this.ranges[j]![1])
      j++
    }
    this.ranges.splice(i, j - i, [start, end])
  }

  /** Removes [a, b). */
  remove(a: number, b: number): void {
    if (!(b > a)) return
    const i = this.firstEndingAfter(a)
    const pieces: Range[] = []
    let j = i
    while (j < this.ranges.length && this.ranges[j]![0] < b) {
      const [s, e] = this.ranges[j]!
      if (s < a) pieces.push([s, a])
      if (e > b) pieces.push([b, e])
      j++
    }
    this.ranges.splice(i, j - i, ...pieces)
  }

  /** True when every index in [a, b) is in the set. */
  covers(a: number, b: number): boolean {
    if (!(b > a)) return true
    const r = this.ranges[this.firstEndingAfter(a)]
    return r !== undefined && r[0] <= a && r[1] >= b
  }

  /** True when some index in [a, b) is in the set. */
  intersects(a: number, b: number): boolean {
    if (!(b > a)) return false
    const r = this.ranges[this.firstEndingAfter(a)]
    return r !== undefined && r[0] < b
  }

  /** Number of indices of [a, b) in the set. */
  coveredLength(a: number, b: number): number {
    let n = 0
    for (let i = this.firstEndingAfter(a); i < this.ranges.length && this.ranges[i]![0] < b; i++) {
      const [s, e] = this.ranges[i]!
      n += Math.min(e, b) - Math.max(s, a)
    }
    return n
  }

  /** The parts of [a, b) that are in the set. */
  slice(a: number, b: number): Range[] {
    const out: Range[] = []
    for (let i = this.firstEndingAfter(a); i < this.ranges.length && this.ranges[i]![0] < b; i++) {
      const [s, e] = this.ranges[i]!
      out.push([Math.max(s, a), Math.min(e, b)])
    }
    return out
  }

  /** End of the last range, 0 when empty. */
  get end(): number {
    return this.ranges.length ? this.ranges[this.ranges.length - 1]![1] : 0
  }

  /** Start of the first range, 0 when empty. */
  get start(): number {
    return this.ranges.length ? this.ranges[0]![0] : 0
  }

  get size(): number {
    return this.ranges.length
  }

  /** The ranges, in order (a copy). */
  toArray(): Range[] {
    return this.ranges.map(([a, b]) => [a, b])
  }

  clear(): void {
    this.ranges = []
  }
}
