/** Token buckets per source: messages per second and bytes per second, with one second of burst. */

type Bucket = { messages: number; bytes: number; at: number }

/** Per-source message and byte rate limits. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>()

  constructor(
    private readonly messagesPerSecond: number,
    private readonly bytesPerSecond: number,
    private readonly now: () => number = () => performance.now(),
    /** Sources remembered at most (the stalest are forgotten). */
    private readonly maxSources = 1024,
  ) {
    if (!(messagesPerSecond > 0) || !(bytesPerSecond > 0)) throw new RangeError(`rates must be > 0, got ${messagesPerSecond} msg/s, ${bytesPerSecond} B/s`)
  }

  /** True when `source` may send a message of `bytes` now (and charges it). */
  allow(source: string, bytes: number): boolean {
    const t = this.now()
    let b = this.buckets.get(source)
    if (!b) {
      if (this.buckets.size >= this.maxSources) this.forgetStalest()
      b = { messages: this.messagesPerSecond, bytes: this.bytesPerSecond, at: t }
      this.buckets.set(source, b)
    }
    const dt = Math.max(0, t - b.at) / 1000
    b.at = t
    b.messages = Math.min(this.messagesPerSecond, b.messages + dt * this.messagesPerSecond)
    b.bytes = Math.min(this.bytesPerSecond, b.bytes + dt * this.bytesPerSecond)
    if (b.messages < 1 || b.bytes < bytes) return false
    b.messages -= 1
    b.bytes -= bytes
    return true
  }

  /** Forgets a source (its connection closed). */
  forget(source: string): void {
    this.buckets.delete(source)
  }

  private forgetStalest(): void {
    let oldest: string | null = null
    let at = Infinity
    for (const [k, b] of this.buckets) {
      if (b.at < at) {
        at = b.at
        oldest = k
      }
    }
    if (oldest !== null) this.buckets.delete(oldest)
  }
}
