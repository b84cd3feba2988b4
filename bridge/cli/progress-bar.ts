/** A one-line progress bar on a terminal stream (nothing when the stream is not a TTY). */

export type ProgressBarOptions = {
  /** Where to draw, default process.stderr */
  stream?: NodeJS.WriteStream
  /** Bar width in characters, default 30 */
  width?: number
}

/** Draws `label [#####.....] 42%` in place; `done()` clears the line. */
export class ProgressBar {
  private readonly stream: NodeJS.WriteStream
  private readonly width: number
  private readonly enabled: boolean
  private last = ''

  constructor(options: ProgressBarOptions = {}) {
    this.stream = options.stream ?? process.stderr
    this.width = options.width ?? 30
    this.enabled = Boolean(this.stream.isTTY)
  }

  /** Shows progress `done` of `total` for a step named `label`. */
  update(label: string, done: number, total: number): void {
    if (!this.enabled) return
    const f = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0
    const fill = Math.round(f * this.width)
    const line = `${label.padEnd(20)} [${'#'.repeat(fill)}${'.'.repeat(this.width - fill)}] ${String(Math.round(f * 100)).padStart(3)}%`
    if (line === this.last) return
    this.last = line
    this.stream.write(`\r${line}`)
  }

  /** Clears the bar. */
  done(): void {
    if (this.enabled && this.last) this.stream.write(`\r${' '.repeat(this.last.length)}\r`)
    this.last = ''
  }
}
