/**
 * A crash-safe store: a checksummed JSON snapshot plus append-only journals of JSON lines. An append
 * is written (into the OS, so it survives the process being killed) before `append()` returns, and
 * fsync'd to the disk (so it survives power loss) right after, asynchronously, on libuv's pool:
 * the bridge sends a frame without waiting for the disk.
 * `snapshot.json` names the journal generation that follows it and carries a sha256 of its state.
 * Compaction writes the snapshot twice (`snapshot.json` and a separate copy `snapshot-<n>.json`) and
 * keeps one generation back (the previous copy and the journals from its generation on), so a
 * damaged or deleted `snapshot.json` is rebuilt from the copy, or from the older copy and journals. Nothing is
 * deleted unless a newer snapshot, read back and checksummed, covers it; a damaged snapshot is set
 * aside (renamed `*.damaged-<time>.json`), never removed.
 */
import { createHash } from 'node:crypto'
import { closeSync, copyFileSync, existsSync, fsync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'

/** How a load rebuilt the state when the current snapshot was not usable. */
export type JournalRecovery = {
  /** Files the state was rebuilt from, in replay order. */
  from: string[]
  /** What could not be recovered, or null when the rebuilt state is complete. */
  lost: string | null
}

/** What loading found, with any damage it skipped; `recovery` is set when `snapshot.json` was damaged or missing. */
export type JournalLoad<S, R> = { snapshot: S | null; records: R[]; problems: string[]; recovery: JournalRecovery | null }

/** Checks of what is read back from disk: null when fine, else what is wrong. */
export type JournalChecks = {
  /** The snapshot's state: a wrong shape as a whole sets the snapshot aside; single bad entries it drops and passes to `skipped`. */
  state?: (state: unknown, skipped: (what: string) => void) => string | null
  /** One journal record (a bad one is skipped and reported with its file and line). */
  record?: (record: unknown) => string | null
}

/** Options of a journal. */
export type JournalOptions = JournalChecks & {
  /** An asynchronous fsync failed (the disk is failing or full). */
  onSyncError?: (err: Error) => void
}

const SNAPSHOT = 'snapshot.json'
const TMP = `${SNAPSHOT}.tmp`
const journalName = (generation: number): string => `journal-${generation}.jsonl`
const backupName = (generation: number): string => `snapshot-${generation}.json`
const JOURNAL_RE = /^journal-(\d+)\.jsonl$/
const BACKUP_RE = /^snapshot-(\d+)\.json$/
/** The checksummed snapshot layout; the hash covers `${generation}\n${state JSON}`. */
const HEADER_RE = /^\{"generation":(\d+),"sha256":"([0-9a-f]{64})","state":/

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err))
const digest = (generation: number, stateText: string): string => createHash('sha256').update(`${generation}\n`).update(stateText).digest('hex')

/** The text of a snapshot file for `state` at `generation`. */
function snapshotText(generation: number, state: object): string {
  const stateText = JSON.stringify(state)
  return `{"generation":${generation},"sha256":"${digest(generation, stateText)}","state":${stateText}}`
}

/** Parses and verifies a snapshot file's text; throws saying what is wrong. Snapshots written before checksums ({generation, state} only) are accepted when well formed. */
function parseSnapshot(text: string): { generation: number; state: unknown; verified: boolean } {
  const head = HEADER_RE.exec(text)
  if (head) {
    const generation = Number(head[1])
    if (!text.endsWith('}')) throw new Error(`truncated (${text.length} bytes, no closing brace)`)
    const stateText = text.slice(head[0].length, -1)
    if (digest(generation, stateText) !== head[2]) throw new Error(`its sha256 does not match its content (${text.length} bytes: damaged or truncated)`)
    return { generation, state: JSON.parse(stateText) as unknown, verified: true }
  }
  const doc = JSON.parse(text) as unknown
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`expected an object {generation, sha256, state}, got ${Array.isArray(doc) ? 'an array' : doc === null ? 'null' : typeof doc}`)
  const keys = Object.keys(doc).sort().join(',')
  if (keys !== 'generation,state') throw new Error(`expected the keys generation, sha256, state, got ${keys.slice(0, 80) || 'none'}`)
  const { generation, state } = doc as { generation: unknown; state: unknown }
  if (typeof generation !== 'number' || !Number.isInteger(generation) || generation < 0) throw new Error(`generation must be an integer >= 0, got ${JSON.stringify(generation)?.slice(0, 40)}`)
  return { generation, state, verified: false }
}

/** Makes `to` hold what `from` holds (a hard link where the file system allows, else a copy). */
function keepCopy(from: string, to: string): void {
  rmSync(to, { force: true })
  try {
    linkSync(from, to)
  } catch {
    copyFileSync(from, to)
  }
}

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

/** Files of one kind in `dir` by generation, ascending. */
function generations(names: string[], re: RegExp): { generation: number; name: string }[] {
  return names.flatMap((name) => {
    const m = re.exec(name)
    return m ? [{ generation: Number(m[1]), name }] : []
  }).sort((a, b) => a.generation - b.generation)
}

/** Snapshot + journals in one directory. Not safe for two processes at once (see ProjectLock). */
export class Journal<S extends object, R extends object> {
  readonly dir: string
  private fd: number | null = null
  private generation = 0
  /** Generation the current state replays from (its snapshot's, or the first journal's when rebuilt without one); journals from here on are kept. */
  private base = 0
  /** `snapshot.json` holds the verified base (it becomes the backup at the next compaction). */
  private baseIsSnapshot = false
  private bytes = 0
  private records = 0
  /** An fsync is running on the pool / appends came after it started. */
  private syncing = false
  private unsynced = false
  private readonly syncWaiters: (() => void)[] = []
  private readonly o: JournalOptions

  constructor(dir: string, options: JournalOptions = {}) {
    this.dir = dir
    this.o = options
  }

  /** Reads the newest intact snapshot and the journals after it; opens the current journal for appending. */
  load(): JournalLoad<S, R> {
    mkdirSync(this.dir, { recursive: true })
    const problems: string[] = []
    // an unfinished compaction: the files it would have replaced are all still there
    rmSync(join(this.dir, TMP), { force: true })
    const names = readdirSync(this.dir)
    const journals = generations(names, JOURNAL_RE)
    const backups = generations(names, BACKUP_RE).reverse()
    const hasCurrent = names.includes(SNAPSHOT)
    let base: { generation: number; state: S; name: string } | null = null
    for (const name of [...(hasCurrent ? [SNAPSHOT] : []), ...backups.map((b) => b.name)]) {
      base = this.readSnapshot(name, problems)
      if (base) break
    }
    const damaged = hasCurrent && base?.name !== SNAPSHOT
    // a project never compacted has only journal-0; any later generation means a snapshot was written
    const missing = !hasCurrent && (backups.length > 0 || journals.some((j) => j.generation > 0))
    if (missing) problems.push(`${join(this.dir, SNAPSHOT)} is missing`)

    const from = base?.generation ?? journals[0]?.generation ?? 0
    const chain = journals.filter((j) => j.generation >= from)
    const records: R[] = []
    for (const j of chain) this.readJournal(j.name, records, problems)
    // an empty journal after the last one with records is a compaction that never finished: nothing to keep
    const last = [...chain].reverse().find((j) => statSync(join(this.dir, j.name)).size > 0 || j.generation === from)
    for (const j of chain) if (last && j.generation > last.generation) rmSync(join(this.dir, j.name), { force: true })
    this.generation = last?.generation ?? from
    this.base = from
    this.baseIsSnapshot = base?.name === SNAPSHOT

    let recovery: JournalRecovery | null = null
    if (damaged || missing) {
      const gaps = chain.length ? chain.filter((j, i) => i > 0 && j.generation !== chain[i - 1]!.generation + 1).map((j) => journalName(j.generation - 1)) : []
      const lostBase = base === null && from > 0 ? `what was saved before ${journalName(from)} (no intact snapshot covers it)` : null
      const lost = [lostBase, ...gaps.map((g) => `the changes in ${g} (missing)`)].filter((x): x is string => x !== null)
      recovery = { from: [...(base ? [base.name] : []), ...chain.map((j) => j.name)], lost: lost.length ? lost.join('; ') : null }
    }

    const path = join(this.dir, journalName(this.generation))
    if (existsSync(path)) {
      this.bytes = statSync(path).size
      // a torn tail must not glue onto the next append
      if (this.bytes > 0 && !readFileSync(path, 'utf8').endsWith('\n')) {
        const fd = openSync(path, 'a')
        writeSync(fd, '\n')
        fsyncSync(fd)
        closeSync(fd)
      }
    }
    this.records = records.length
    this.fd = openSync(path, 'a')
    return { snapshot: base?.state ?? null, records, problems, recovery }
  }

  /** Reads and verifies one snapshot file; a damaged one is set aside (renamed) and reported. */
  private readSnapshot(name: string, problems: string[]): { generation: number; state: S; name: string } | null {
    const path = join(this.dir, name)
    try {
      const { generation, state } = parseSnapshot(readFileSync(path, 'utf8'))
      if (typeof state !== 'object' || state === null || Array.isArray(state)) throw new Error('its state is not an object')
      const skipped: string[] = []
      const wrong = this.o.state?.(state, (what) => skipped.push(what)) ?? null
      if (wrong) throw new Error(wrong)
      for (const what of skipped) problems.push(`${path}: ${what}, skipped`)
      return { generation, state: state as S, name }
    } catch (err) {
      const aside = `${name.replace(/\.json$/, '')}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}.json`
      renameSync(path, join(this.dir, aside))
      fsyncDir(this.dir)
      problems.push(`${path} is damaged (${message(err)}); set aside as ${aside}`)
      return null
    }
  }

  /** Appends one journal's valid records to `records`; reports each skipped line with its file and number. */
  private readJournal(name: string, records: R[], problems: string[]): void {
    const path = join(this.dir, name)
    const lines = readFileSync(path, 'utf8').split('\n')
    lines.forEach((line, i) => {
      if (!line) return
      let record: unknown
      try {
        record = JSON.parse(line)
      } catch {
        // the last line may be torn by a crash mid-write; anything else is damage worth saying
        if (i === lines.length - 1) problems.push(`${path}: dropped a torn last record (${line.length} bytes), written as the bridge stopped`)
        else problems.push(`${path}:${i + 1}: not valid JSON, skipped`)
        return
      }
      const wrong = typeof record !== 'object' || record === null || Array.isArray(record) ? 'expected a JSON object' : (this.o.record?.(record) ?? null)
      if (wrong) problems.push(`${path}:${i + 1}: ${wrong}, skipped`)
      else records.push(record as R)
    })
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
      if (err) this.o.onSyncError?.(err)
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

  /**
   * Writes a checksummed snapshot of `state` (and a copy, `snapshot-<n+1>.json`) beside an empty new
   * journal. The previous copy stays, with the journals from its generation on; older files go only
   * once both new files have been read back and verified.
   */
  compact(state: S): void {
    if (this.fd === null) throw new Error('Journal.compact() before load() or after close()')
    const next = this.generation + 1
    const nextJournal = join(this.dir, journalName(next))
    const fdNew = openSync(nextJournal, 'w')
    fsyncSync(fdNew)
    const tmp = join(this.dir, TMP)
    const fdTmp = openSync(tmp, 'w')
    writeSync(fdTmp, snapshotText(next, state))
    fsyncSync(fdTmp)
    closeSync(fdTmp)
    const current = join(this.dir, SNAPSHOT)
    // a second, separate copy (its own inode): damage to snapshot.json leaves it intact. It matters
    // beyond the journals: frames the timeline took in as the bridge stopped are in the snapshot only.
    const copy = join(this.dir, backupName(next))
    copyFileSync(tmp, copy)
    const fdCopy = openSync(copy, 'r+')
    fsyncSync(fdCopy)
    closeSync(fdCopy)
    // a snapshot written before copies were kept stays as the fallback too (a hard link: snapshot.json is never absent)
    if (this.baseIsSnapshot && !existsSync(join(this.dir, backupName(this.base)))) keepCopy(current, join(this.dir, backupName(this.base)))
    renameSync(tmp, current)
    fsyncDir(this.dir)
    closeSync(this.fd)
    this.fd = fdNew
    const keepFrom = this.base
    this.generation = next
    this.base = next
    this.baseIsSnapshot = true
    this.bytes = 0
    this.records = 0
    this.unsynced = false
    for (const path of [current, copy]) {
      const written = parseSnapshot(readFileSync(path, 'utf8'))
      if (!written.verified || written.generation !== next) throw new Error(`${path} did not read back as written; older snapshots and journals are kept`)
    }
    // covered by the verified new snapshot and by the fallback from keepFrom on
    for (const f of [...generations(readdirSync(this.dir), JOURNAL_RE), ...generations(readdirSync(this.dir), BACKUP_RE)]) {
      if (f.generation < keepFrom) rmSync(join(this.dir, f.name), { force: true })
    }
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
