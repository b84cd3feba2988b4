/**
 * A crash-safe store: a JSON snapshot plus an append-only journal of JSON lines. An append is
 * written (into the OS, so it survives the process being killed) before `append()` returns, and
 * fsync'd to the disk (so it survives power loss) right after, asynchronously, on libuv's pool:
 * the bridge sends a frame without waiting for the disk.
 * `snapshot.json` names the journal generation that follows it; compaction writes a new snapshot
 * beside an empty new journal and renames it into place, so a kill -9 at any point leaves either
 * the old snapshot + old journal or the new snapshot + new journal on disk, never a mix.
 */
import { closeSync, existsSync, fsync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'

/** What loading found, with any damage it skipped. */
export type JournalLoad<S, R> = { snapshot: S | null; records: R[]; problems: string[] }

const SNAPSHOT = 'snapshot.json'
const journalName = (generation: number): string => `journal-${generation}.jsonl`

function fsyncDir(dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // some file systems cannot fsync a directory; the rename is still atomic there
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** Snapshot + journal in one directory. Not safe for two processes at once (see ProjectLock). */
export class Journal<S extends object, R extends object> {
  readonly dir: string
  private fd: number | null = null
  private generation = 0
  private bytes = 0
  private records = 0
  /** An fsync is running on the pool / appends came after it started. */
  private syncing = false
  private unsynced = false
  private readonly syncWaiters: (() => void)[] = []

  /** `onSyncError`: an asynchronous fsync failed (the disk is failing or full). */
  constructor(
    dir: string,
    private readonly onSyncError: (err: Error) => void = () => {},
  ) {
    this.dir = dir
  }

  /** Reads the snapshot and the journal after it; opens the journal for appending. */
  load(): JournalLoad<S, R> {
    mkdirSync(this.dir, { recursive: true })
    const problems: string[] = []
    let snapshot: S | null = null
    const snapPath = join(this.dir, SNAPSHOT)
    if (existsSync(snapPath)) {
      try {
        const doc = JSON.parse(readFileSync(snapPath, 'utf8')) as { generation: number; state: S }
        if (!Number.isInteger(doc.generation) || typeof doc.state !== 'object') throw new Error('expected {generation, state}')
        snapshot = doc.state
        this.generation = doc.generation
      } catch (err) {
        problems.push(`${snapPath} is unreadable (${err instanceof Error ? err.message : String(err)}); starting from the journal alone`)
      }
    }
    const records: R[] = []
    const path = join(this.dir, journalName(this.generation))
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8')
      const lines = text.split('\n')
      lines.forEach((line, i) => {
        if (!line) return
        try {
          records.push(JSON.parse(line) as R)
        } catch {
          // the last line may be torn by a crash mid-write; anything else is damage worth saying
          if (i === lines.length - 1) problems.push(`${path}: dropped a torn last record (${line.length} bytes), written as the bridge stopped`)
          else problems.push(`${path}: line ${i + 1} is not valid JSON and was skipped`)
        }
      })
      // a torn tail must not glue onto the next append
      if (text.length > 0 && !text.endsWith('\n')) {
        const fd = openSync(path, 'a')
        writeSync(fd, '\n')
        fsyncSync(fd)
        closeSync(fd)
      }
      this.bytes = Buffer.byteLength(text)
    }
    this.records = records.length
    // leftovers of an interrupted compaction
    for (const name of readdirSync(this.dir)) {
      if ((/^journal-\d+\.jsonl$/.test(name) && name !== journalName(this.generation)) || name === `${SNAPSHOT}.tmp`) {
        rmSync(join(this.dir, name), { force: true })
      }
    }
    this.fd = openSync(path, 'a')
    return { snapshot, records, problems }
  }

  /**
   * Appends records: once this returns they survive the process being killed (kill -9, a crash);
   * an fsync follows on libuv's pool, after which they survive power loss too (see `synced()`).
   */
  append(records: R[]): void {
    if (this.fd === null) throw new Error('Journal.append() before load() or after close()')
    if (records.length === 0) return
    const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n'
    writeSync(this.fd, text)
    this.bytes += Buffer.byteLength(text)
    this.records += records.length
    this.syncSoon()
  }

  /** Resolves once everything appended so far is fsync'd. */
  synced(): Promise<void> {
    if (!this.syncing && !this.unsynced) return Promise.resolve()
    return new Promise((resolve) => this.syncWaiters.push(resolve))
  }

  /** One fsync at a time; appends made while one runs get the next. */
  private syncSoon(): void {
    this.unsynced = true
    if (this.syncing || this.fd === null) return
    const fd = this.fd
    this.syncing = true
    this.unsynced = false
    fsync(fd, (err) => {
      this.syncing = false
      // a compaction or close replaced the file meanwhile: it fsync'd what mattered itself
      if (this.fd !== fd) return this.wake()
      if (err) this.onSyncError(err)
      if (this.unsynced) this.syncSoon()
      else this.wake()
    })
  }

  private wake(): void {
    for (const w of this.syncWaiters.splice(0)) w()
  }

  /** Journal size since the last snapshot. */
  get size(): { bytes: number; records: number } {
    return { bytes: this.bytes, records: this.records }
  }

  /** Replaces snapshot + journal with a snapshot of `state` and an empty journal. */
  compact(state: S): void {
    if (this.fd === null) throw new Error('Journal.compact() before load() or after close()')
    const next = this.generation + 1
    const nextJournal = join(this.dir, journalName(next))
    const fdNew = openSync(nextJournal, 'w')
    fsyncSync(fdNew)
    const tmp = join(this.dir, `${SNAPSHOT}.tmp`)
    const fdTmp = openSync(tmp, 'w')
    writeSync(fdTmp, JSON.stringify({ generation: next, state }))
    fsyncSync(fdTmp)
    closeSync(fdTmp)
    renameSync(tmp, join(this.dir, SNAPSHOT))
    fsyncDir(this.dir)
    closeSync(this.fd)
    rmSync(join(this.dir, journalName(this.generation)), { force: true })
    this.fd = fdNew
    this.generation = next
    this.bytes = 0
    this.records = 0
    this.unsynced = false
  }

  /** fsyncs what is still unsynced (a clean exit keeps everything) and closes the journal. */
  close(): void {
    if (this.fd !== null) {
      if (this.syncing || this.unsynced) fsyncSync(this.fd)
      closeSync(this.fd)
    }
    this.fd = null
    this.unsynced = false
    this.wake()
  }
}
