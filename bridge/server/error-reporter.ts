/**
 * Reports rejected input and faults on the feed and in the log, at most `perSecond` of one code
 * from one source per second: a flood of bad datagrams cannot flood the panel or the log. What is
 * held back is counted and said with the next report.
 */
import { boundedMessage } from './excerpt.js'
import type { BridgeErrorInfo } from './protocol.js'

type Bucket = { windowStart: number; sent: number; held: number }

/** Throttled error reporting. */
export class ErrorReporter {
  private readonly buckets = new Map<string, Bucket>()
  /** Errors reported or held back, by code (for tests and /health). */
  readonly counts = new Map<string, number>()

  constructor(
    private readonly sink: (info: BridgeErrorInfo) => void,
    private readonly log: ((line: string) => void) | null,
    private readonly perSecond = 5,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Reports one error (or counts it when its code is over the limit this second). */
  report(code: string, message: string, source: string): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1)
    const key = `${source}\u0000${code}`
    const t = this.now()
    let b = this.buckets.get(key)
    if (!b || t - b.windowStart >= 1000) {
      const held = b?.held ?? 0
      b = { windowStart: t, sent: 0, held: 0 }
      this.buckets.set(key, b)
      if (held > 0) message += ` (${held} more like this were held back in the last second)`
      if (this.buckets.size > 1000) this.prune(t)
    }
    if (b.sent >= this.perSecond) {
      b.held++
      return
    }
    b.sent++
    message = boundedMessage(message)
    const info: BridgeErrorInfo = { code, message, source, time: new Date().toISOString() }
    this.log?.(`emolane: ${source === code ? code : `${source}: ${code}`}: ${message}`) // not "persist: persist:"
    this.sink(info)
  }

  /** Total errors of a code so far. */
  count(code: string): number {
    return this.counts.get(code) ?? 0
  }

  private prune(t: number): void {
    for (const [k, b] of this.buckets) if (t - b.windowStart >= 1000 && b.held === 0) this.buckets.delete(k)
  }
}
