/**
 * Watches a bounce (a file, or the audio files in a folder) and re-analyses it whenever the DAW
 * rewrites it: once the writes have stopped (size and mtime stable for `settleMs`), the header is
 * complete and the file decodes. A change during an analysis queues exactly one more.
 */
import { watch, type FSWatcher } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { basename, extname, join, resolve } from 'node:path'
import type { Analysis } from '../analysis/types.js'
import { checkFileComplete } from './audio-complete.js'

/** Audio file extensions a folder watch picks up. */
export const AUDIO_EXTENSIONS = ['.wav', '.wave', '.bwf', '.aif', '.aiff', '.aifc', '.flac', '.mp3', '.ogg', '.oga', '.m4a', '.aac']

/** What the watcher reports. */
export type WatchEvent =
  | { type: 'waiting'; file: string; reason: string }
  | { type: 'analysing'; file: string; run: number }
  | { type: 'analysed'; file: string; analysis: Analysis; run: number; seconds: number }
  | { type: 'failed'; file: string; error: Error; willRetry: boolean }
  | { type: 'removed'; file: string }

export type BounceWatcherOptions = {
  /** Analyses one file; the watcher never runs two at once */
  analyze: (file: string) => Promise<Analysis>
  /** Every state change, for the terminal and tests */
  onEvent?: (event: WatchEvent) => void
  /** Writes must have stopped this long before analysis, default 750 ms */
  settleMs?: number
  /** How often files are re-examined (fs.watch events also trigger a look), default 250 ms */
  pollMs?: number
  /** Analyse files already there when watching starts, default true */
  initial?: boolean
  /** Retries for a file that does not decode (yet), default 3 */
  maxRetries?: number
  /** Which files in a folder to watch, default AUDIO_EXTENSIONS (not names starting with '.') */
  accept?: (file: string) => boolean
}

const defaults = { settleMs: 750, pollMs: 250, initial: true, maxRetries: 3 }

type Signature = { size: number; mtimeMs: number; ino: number }
type FileState = {
  /** Signature last seen, and since when (wall ms). */
  seen: Signature | null
  since: number
  /** Signature of the bytes last analysed (or failed on for good). */
  done: Signature | null
  retries: number
  waitingReason: string | null
  runs: number
}

const same = (a: Signature | null, b: Signature | null) => !!a && !!b && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino

/** Watches bounces and keeps the latest analysis per file. */
export class BounceWatcher {
  private readonly o: Required<Omit<BounceWatcherOptions, 'onEvent' | 'accept'>> & Pick<BounceWatcherOptions, 'onEvent'> & { accept: (f: string) => boolean }
  private readonly files = new Map<string, FileState>()
  /** Latest analysis per file. */
  readonly timelines = new Map<string, Analysis>()
  private fsWatcher: FSWatcher | null = null
  private timer: ReturnType<typeof setInterval> | null = null
  private busy = false
  private closed = false
  private isFolder = false
  private scanning: Promise<void> | null = null

  constructor(
    readonly target: string,
    options: BounceWatcherOptions,
  ) {
    const settleMs = options.settleMs ?? defaults.settleMs
    const pollMs = options.pollMs ?? defaults.pollMs
    if (!(settleMs >= 0)) throw new RangeError(`settleMs must be >= 0, got ${settleMs}`)
    if (!(pollMs > 0)) throw new RangeError(`pollMs must be > 0, got ${pollMs}`)
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as BounceWatcherOptions
    this.o = {
      ...defaults,
      ...given,
      settleMs,
      pollMs,
      accept: options.accept ?? ((f) => AUDIO_EXTENSIONS.includes(extname(f).toLowerCase()) && !basename(f).startsWith('.')),
    }
    this.target = resolve(target)
  }

  /** Starts watching; rejects when the target does not exist. */
  async start(): Promise<void> {
    let st
    try {
      st = await stat(this.target)
    } catch (cause) {
      throw new Error(`cannot watch ${this.target}: ${(cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (cause as Error).message}`, { cause })
    }
    this.isFolder = st.isDirectory()
    if (!this.isFolder && !st.isFile()) throw new Error(`cannot watch ${this.target}: not a file or folder`)
    if (!this.o.initial) {
      for (const file of await this.list()) {
        const sig = await this.signature(file)
        if (sig) this.files.set(file, { seen: sig, since: 0, done: sig, retries: 0, waitingReason: null, runs: 0 })
      }
    }
    try {
      // fs.watch makes changes prompt; the poll below catches what it misses (network drives, renames).
      this.fsWatcher = watch(this.isFolder ? this.target : resolve(this.target, '..'), () => void this.tick())
      this.fsWatcher.on('error', () => {})
    } catch {
      this.fsWatcher = null
    }
    this.timer = setInterval(() => void this.tick(), this.o.pollMs)
    await this.tick()
  }

  /** Stops watching; an analysis in progress finishes but starts no other. */
  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    this.fsWatcher?.close()
    await this.scanning
  }

  private async list(): Promise<string[]> {
    if (!this.isFolder) return [this.target]
    try {
      const names = await readdir(this.target)
      return names.map((n) => join(this.target, n)).filter((f) => this.o.accept(f))
    } catch {
      return []
    }
  }

  private async signature(file: string): Promise<Signature | null> {
    try {
      const s = await stat(file)
      return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino } : null
    } catch {
      return null
    }
  }

  /** One look at every file; analyses at most one that is ready. Re-entrant calls wait for the running one. */
  private tick(): Promise<void> {
    if (this.closed || this.scanning) return this.scanning ?? Promise.resolve()
    this.scanning = this.scan().finally(() => {
      this.scanning = null
    })
    return this.scanning
  }

  private async scan(): Promise<void> {
    const now = Date.now()
    const present = new Set(await this.list())
    for (const [file] of this.files) {
      if (!present.has(file)) {
        this.files.delete(file)
        this.emit({ type: 'removed', file })
      }
    }
    for (const file of present) {
      const sig = await this.signature(file)
      if (!sig) continue
      let st = this.files.get(file)
      if (!st) {
        st = { seen: sig, since: now, done: null, retries: 0, waitingReason: null, runs: 0 }
        this.files.set(file, st)
      } else if (!same(st.seen, sig)) {
        st.seen = sig
        st.since = now
        st.retries = 0
      }
      if (same(st.done, sig)) continue
      if (now - st.since < this.o.settleMs) continue
      if (this.busy || this.closed) continue
      await this.examine(file, st, sig)
    }
  }

  private async examine(file: string, st: FileState, sig: Signature): Promise<void> {
    let header
    try {
      header = await checkFileComplete(file)
    } catch {
      return // vanished between stat and open; the next scan sees it gone
    }
    if (header.state === 'incomplete') {
      if (st.waitingReason !== header.reason) this.emit({ type: 'waiting', file, reason: header.reason })
      st.waitingReason = header.reason
      return
    }
    st.waitingReason = null
    this.busy = true
    st.runs++
    const run = st.runs
    this.emit({ type: 'analysing', file, run })
    const started = performance.now()
    try {
      const analysis = await this.o.analyze(file)
      const after = await this.signature(file)
      if (!same(after, sig)) {
        st.runs-- // the file changed under the analysis: this result is stale, do it again once settled
        return
      }
      st.done = sig
      this.timelines.set(file, analysis)
      this.emit({ type: 'analysed', file, analysis, run, seconds: (performance.now() - started) / 1000 })
    } catch (err) {
      const after = await this.signature(file)
      const changed = !same(after, sig)
      const willRetry = changed || st.retries < this.o.maxRetries
      if (!changed) st.retries++
      if (!willRetry) st.done = sig // give up on these bytes; a new write tries again
      else st.since = Date.now() // wait another settle period before retrying
      this.emit({ type: 'failed', file, error: err instanceof Error ? err : new Error(String(err)), willRetry })
    } finally {
      this.busy = false
    }
  }

  private emit(e: WatchEvent): void {
    try {
      this.o.onEvent?.(e)
    } catch {
      // a failing listener must not stop the watch
    }
  }
}
