/**
 * A least-recently-used cache bounded by entry count and, where given a size function, by bytes
 * (Map keeps insertion order; a hit moves the key to the end; the oldest go first when over a cap).
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>()
  private readonly sizes = new Map<K, number>()
  private total = 0
  hits = 0
  misses = 0

  /**
   * @param capacity most entries kept
   * @param maxBytes most bytes kept, as `sizeOf` counts them (default: no byte cap); an entry larger than this alone is not kept
   * @param sizeOf bytes an entry holds
   */
  constructor(
    readonly capacity: number,
    readonly maxBytes = Infinity,
    private readonly sizeOf: (value: V) => number = () => 0,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`cache capacity must be an integer >= 1, got ${capacity}`)
    if (!(maxBytes > 0)) throw new RangeError(`cache maxBytes must be > 0, got ${maxBytes}`)
  }

  /** Entries held. */
  get size(): number {
    return this.map.size
  }

  /** Bytes held, as sizeOf counts them. */
  get bytes(): number {
    return this.total
  }

  /** The value for key, marking it most recently used; undefined on a miss. */
  get(key: K): V | undefined {
    const value = this.map.get(key)
    if (value === undefined) {
      this.misses++
      return undefined
    }
    this.hits++
    this.map.delete(key)
    this.map.set(key, value)
    return value
  }

  /** Stores a value, evicting the least recently used entries while over a cap. */
  set(key: K, value: V): void {
    this.delete(key)
    const size = this.sizeOf(value)
    if (size > this.maxBytes) return
    this.map.set(key, value)
    this.sizes.set(key, size)
    this.total += size
    while (this.map.size > this.capacity || this.total > this.maxBytes) this.delete(this.map.keys().next().value as K)
  }

  /** The keys, least recently used first (without marking them used). */
  keys(): IterableIterator<K> {
    return this.map.keys()
  }

  /** Drops one entry; true when it was there. */
  delete(key: K): boolean {
    if (!this.map.delete(key)) return false
    this.total -= this.sizes.get(key) ?? 0
    this.sizes.delete(key)
    return true
  }

  clear(): void {
    this.map.clear()
    this.sizes.clear()
    this.total = 0
  }
}
