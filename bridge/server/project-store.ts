/**
 * A project's analysed timeline on disk: frames, lyrics, DAW sections and the tempo map in a journal
 * (written at each change, fsync'd right after on libuv's pool, compacted now and then), and the 16 kHz mono audio in a sparse
 * float32 file so that a restarted bridge can re-analyse. Layout of `<dataDir>/<project>/`:
 * snapshot.json, journal-<n>.jsonl, audio.f32 (sample k at byte 4k), lock (pid of the owner).
 */
import { closeSync, existsSync, fsync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Frame, LyricLine, Seconds, SectionSpan, TempoPoint } from '../analysis/types.js'
import type { Range } from '../stream/interval-set.js'
import { withTempoChange } from '../stream/tempo-changes.js'
import { Journal, type JournalRecovery } from './journal.js'
import { checkProjectName } from './ingest-validate.js'
import { checkProjectState, recordProblem } from './project-records.js'

/** What a project keeps. */
export type ProjectState = {
  schema: 'emolane.project/1'
  /** Analysis hop the frames were made with; frames from another hop are dropped on load. */
  hop: Seconds
  /** Model name@version the frames came from. */
  model: string
  frames: Frame[]
  lyrics: LyricLine[]
  sections: SectionSpan[]
  /** The latest tempo from the DAW, bpm. */
  tempo: number | null
  /** The DAW's tempo changes in time order (absent in projects saved before tempo maps: only `tempo` then). */
  tempoMap?: TempoPoint[]
  /** Sample ranges of audio.f32 holding audio (16 kHz). */
  audio: Range[]
}

/** One journal record. */
export type ProjectRecord =
  | { k: 'frames'; frames: Frame[] }
  | { k: 'invalidate'; start: Seconds; end: Seconds }
  | { k: 'lyric'; line: LyricLine }
  | { k: 'lyrics-clear' }
  | { k: 'section'; span: SectionSpan }
  | { k: 'sections-clear' }
  /** `time`: the song time the change applies from (absent in older journals, which kept only the latest tempo). */
  | { k: 'tempo'; bpm: number; time?: Seconds }
  | { k: 'audio'; start: number; end: number }
  | { k: 'reset' }

/** The data directory: the option, else $EMOLANE_DATA_DIR, else ~/.emolane/projects. */
export function resolveDataDir(option?: string): string {
  if (option) return resolve(option)
  if (process.env.EMOLANE_DATA_DIR) return resolve(process.env.EMOLANE_DATA_DIR)
  return join(homedir(), '.emolane', 'projects')
}

/** Another live process holds the project. */
export class ProjectLockedError extends Error {
  override name = 'ProjectLockedError'
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Applies records to a state (the journal replay). */
export function applyRecords(state: ProjectState, records: ProjectRecord[], sameLine: (a: { start: number }, b: { start: number }) => boolean): void {
  const key = (t: Seconds): number => Math.round(t * 1e6)
  let frames = new Map(state.frames.map((f) => [key(f.t), f]))
  for (const r of records) {
    switch (r.k) {
      case 'frames':
        for (const f of r.frames) frames.set(key(f.t), f)
        break
      case 'invalidate':
        for (const [k, f] of frames) if (f.t >= r.start && f.t < r.end) frames.delete(k)
        break
      case 'lyric':
        state.lyrics = state.lyrics.filter((l) => !sameLine(l, r.line)).concat(r.line)
        break
      case 'lyrics-clear':
        state.lyrics = []
        break
      case 'section':
        state.sections = state.sections.filter((s) => !sameLine(s, r.span)).concat(r.span)
        break
      case 'sections-clear':
        state.sections = []
        break
      case 'tempo':
        state.tempo = r.bpm
        if (r.time !== undefined) state.tempoMap = [...withTempoChange(state.tempoMap ?? [], { time: r.time, bpm: r.bpm })]
        break
      case 'audio':
        state.audio.push([r.start, r.end])
        break
      case 'reset':
        frames = new Map()
        Object.assign(state, { lyrics: [], sections: [], tempo: null, tempoMap: [], audio: [] })
        break
    }
  }
  state.frames = [...frames.values()].sort((a, b) => a.t - b.t)
  state.lyrics.sort((a, b) => a.start - b.start)
  state.sections.sort((a, b) => a.start - b.start)
}

const AUDIO_RATE = 16000
const seconds = (samples: number): string => (samples / AUDIO_RATE).toFixed(1)

/** What a rebuilt project holds and what it lacks, for the user. */
function recoveryReport(name: string, state: ProjectState, recovery: JournalRecovery): string {
  const audio = state.audio.reduce((n, [a, b]) => n + (b - a), 0)
  const got = `${state.frames.length} frames, ${state.lyrics.length} lyric lines, ${state.sections.length} sections and ${seconds(audio)} s of audio`
  const from = recovery.from.length ? recovery.from.join(', ') : 'nothing (no snapshot or journal left)'
  return `project ${name}: rebuilt from ${from}: ${got} recovered; ${recovery.lost ? `not recovered: ${recovery.lost}` : 'nothing saved is missing'}`
}

/** Options for a project store. */
export type ProjectStoreOptions = {
  /** Keep the 16 kHz audio on disk for re-analysis, default true */
  persistAudio?: boolean
  /** Compact when the journal passes this many bytes, default 4 MiB */
  compactBytes?: number
  /** An asynchronous fsync failed (journal or audio) */
  onSyncError?: (err: Error) => void
}

const defaults = { persistAudio: true, compactBytes: 4 << 20, onSyncError: (_err: Error): void => {} }

/** Opens, appends to and compacts one project directory. */
export class ProjectStore {
  readonly dir: string
  readonly name: string
  private readonly o: typeof defaults
  private readonly journal: Journal<ProjectState, ProjectRecord>
  private audioFd: number | null = null
  private readonly lockPath: string

  constructor(dataDir: string, name: string, options: ProjectStoreOptions = {}) {
    // the same rule as every entry point (serve --project, stream --project, OSC): a name, never a path
    this.name = checkProjectName(name)
    this.dir = join(dataDir, name)
    this.o = { ...defaults, ...options }
    this.journal = new Journal(this.dir, { onSyncError: (err) => this.o.onSyncError(err), state: checkProjectState, record: recordProblem })
    this.lockPath = join(this.dir, 'lock')
  }

  /** Takes the lock, reads snapshot + journal and opens the audio file. */
  open(empty: ProjectState, sameLine: (a: { start: number }, b: { start: number }) => boolean): { state: ProjectState; problems: string[] } {
    mkdirSync(this.dir, { recursive: true })
    if (existsSync(this.lockPath)) {
      const pid = Number(readFileSync(this.lockPath, 'utf8').trim())
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new ProjectLockedError(`project ${this.name} at ${this.dir} is open in another bridge (pid ${pid}); stop it or pick another --project`)
      }
    }
    writeFileSync(this.lockPath, String(process.pid))
    const loaded = this.journal.load()
    const state: ProjectState = loaded.snapshot ? { ...empty, ...loaded.snapshot } : { ...empty }
    applyRecords(state, loaded.records, sameLine)
    const audioPath = join(this.dir, 'audio.f32')
    const problems = [...loaded.problems, ...this.keepStoredAudio(state, existsSync(audioPath) ? statSync(audioPath).size : 0)]
    if (loaded.recovery) problems.push(recoveryReport(this.name, state, loaded.recovery))
    if (this.o.persistAudio) this.audioFd = openSync(audioPath, existsSync(audioPath) ? 'r+' : 'w+')
    return { state, problems }
  }

  /** Drops from the audio index what audio.f32 (of `bytes`) does not hold, saying so: an emptied or truncated file is not re-analysed as silence. */
  private keepStoredAudio(state: ProjectState, bytes: number): string[] {
    const held = Math.floor(bytes / 4)
    const listed = state.audio.reduce((n, [a, b]) => Math.max(n, b), 0)
    if (listed <= held) return []
    state.audio = state.audio.flatMap(([a, b]): Range[] => (a < held ? [[a, Math.min(b, held)]] : []))
    const what = held === 0 ? 'is empty or missing' : `holds ${seconds(held)} s`
    const gone = held === 0 ? 'that audio is gone' : `the audio past ${seconds(held)} s is gone`
    return [`${join(this.dir, 'audio.f32')} ${what} but the project lists audio up to ${seconds(listed)} s: ${gone} and is not re-analysed (frames already analysed over it are kept)`]
  }

  /** Appends records (kill -9 safe when this returns; fsync'd asynchronously right after). */
  append(records: ProjectRecord[]): void {
    this.journal.append(records)
  }

  /** True when the journal has grown enough to compact. */
  get wantsCompaction(): boolean {
    return this.journal.size.bytes >= this.o.compactBytes
  }

  compact(state: ProjectState): void {
    this.journal.compact(state)
  }

  /** Writes samples at sample index `start` into audio.f32 (not yet durable: see syncAudio). */
  writeAudio(start: number, samples: Float32Array): void {
    if (this.audioFd === null) return
    const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength)
    writeSync(this.audioFd, bytes, 0, bytes.length, start * 4)
  }

  /** fsyncs audio.f32, then journals the ranges written since, so the journal never claims audio the disk lacks. */
  syncAudio(ranges: Range[]): void {
    if (this.audioFd === null || ranges.length === 0) return
    fsyncSync(this.audioFd)
    this.journal.append(ranges.map(([start, end]) => ({ k: 'audio', start, end })))
  }

  /** syncAudio on libuv's pool: resolves true once the ranges are fsync'd and journaled, false when the store closed first (close() syncs them itself). */
  syncAudioLater(ranges: Range[]): Promise<boolean> {
    const fd = this.audioFd
    if (fd === null || ranges.length === 0) return Promise.resolve(fd !== null)
    return new Promise((resolve, reject) => {
      fsync(fd, (err) => {
        if (this.audioFd !== fd) return resolve(false)
        if (err) return reject(err)
        try {
          this.journal.append(ranges.map(([start, end]) => ({ k: 'audio', start, end })))
          resolve(true)
        } catch (e) {
          reject(e)
        }
      })
    })
  }

  /** Resolves once every journal append so far is fsync'd. */
  synced(): Promise<void> {
    return this.journal.synced()
  }

  /** Reads samples [start, end) from audio.f32. */
  readAudio(start: number, end: number): Float32Array {
    const out = new Float32Array(end - start)
    if (this.audioFd === null) return out
    readSync(this.audioFd, new Uint8Array(out.buffer), 0, out.byteLength, start * 4)
    return out
  }

  get persistsAudio(): boolean {
    return this.audioFd !== null
  }

  /** Compacts (when given a state), closes files and releases the lock. */
  close(state?: ProjectState): void {
    if (state) this.journal.compact(state)
    this.journal.close()
    if (this.audioFd !== null) closeSync(this.audioFd)
    this.audioFd = null
    rmSync(this.lockPath, { force: true })
  }
}
