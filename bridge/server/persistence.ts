/**
 * Keeps a project on disk in step with the live timeline: every analysed frame, lyric, section and
 * tempo change is journaled as it happens, written before the feed hears of it (so kill -9 loses
 * nothing the feed showed) and fsync'd asynchronously right after (so the main thread never waits
 * for the disk); audio is written through, fsync'd every `audioSyncMs` on libuv's pool, then
 * journaled as present.
 */
import type { Frame, Seconds } from '../analysis/types.js'
import { IntervalSet, type Range } from '../stream/interval-set.js'
import { sameStart, type LiveTimeline } from '../stream/live-timeline.js'
import { ProjectStore, type ProjectRecord, type ProjectState } from './project-store.js'

/** What the persistence needs to know about the run. */
export type PersistenceOptions = {
  dataDir: string
  project: string
  persistAudio: boolean
  audioSyncMs: number
  hop: Seconds
  /** name@version of the model, stored with the frames. */
  model: string
  /** Reports a disk problem; the bridge keeps running without it. */
  problem: (message: string) => void
}

/** A persisted project bound to a live timeline. */
export class TimelinePersistence {
  private readonly store: ProjectStore
  private readonly unsubscribe: (() => void)[] = []
  private readonly synced = new IntervalSet()
  private unsynced: Range[] = []
  /** Ranges whose asynchronous fsync is running. */
  private syncing: Range[] = []
  private syncTimer: NodeJS.Timeout | null = null
  private failed = false
  private closed = false

  constructor(
    private readonly timeline: LiveTimeline,
    private readonly o: PersistenceOptions,
  ) {
    this.store = new ProjectStore(o.dataDir, o.project, { persistAudio: o.persistAudio, onSyncError: (err) => this.guard(() => {
      throw err
    }) })
  }

  /** Where the project lives. */
  get dir(): string {
    return this.store.dir
  }

  /** Opens the project, loads it into the (empty) timeline, and starts following changes. Throws when the project is locked or unreadable. */
  open(): { frames: number; problems: string[] } {
    const empty: ProjectState = { schema: 'emolane.project/1', hop: this.o.hop, model: this.o.model, frames: [], lyrics: [], sections: [], tempo: null, tempoMap: [], audio: [] }
    const { state, problems } = this.store.open(empty, sameStart)
    const stored = state.frames.length
    if (state.model !== this.o.model && state.frames.length) {
      problems.push(`project frames were made by the model ${state.model}, this bridge runs ${this.o.model}: they are re-analysed from the stored audio`)
      state.frames = []
    }
    if (state.hop !== this.o.hop && state.frames.length) {
      problems.push(`project frames were made with a ${state.hop} s hop, this bridge uses ${this.o.hop} s: they are re-analysed from the stored audio`)
      state.frames = []
    }
    for (const [a, b] of state.audio) this.synced.add(a, b)
    const audio = this.synced.toArray()
    this.timeline.restore({ ...state, audio }, (a, b) => this.store.readAudio(a, b))
    // the project says the model and hop its frames now come from, so that the new frames are kept next time
    if (state.frames.length < stored) this.guard(() => this.store.compact(this.state()))
    this.follow()
    return { frames: state.frames.length, problems }
  }

  /** Records newly analysed frames (written before this returns, fsync'd right after). */
  frames(frames: Frame[]): void {
    this.append([{ k: 'frames', frames }])
  }

  /** Flushes audio, compacts and closes; releases the project lock. */
  close(): void {
    if (this.closed) return
    this.closed = true
    for (const u of this.unsubscribe) u()
    if (this.syncTimer) clearTimeout(this.syncTimer)
    // what an asynchronous fsync still has in hand is synced here, with the rest
    this.unsynced.push(...this.syncing.splice(0))
    this.guard(() => this.syncAudio())
    this.guard(() => this.store.close(this.failed ? undefined : this.state()))
  }

  /** The timeline moved to another hop (a preset switch): the project is compacted so that it says so (frames kept by the timeline stay). */
  setHop(hop: Seconds): void {
    if (hop === this.o.hop) return
    this.o.hop = hop
    if (this.failed || this.closed) return
    this.guard(() => {
      this.syncAudio()
      this.store.compact(this.state())
    })
  }

  /** Resolves once every journal record so far is fsync'd (for tests). */
  durable(): Promise<void> {
    return this.store.synced()
  }

  private follow(): void {
    const t = this.timeline
    this.unsubscribe.push(
      t.on('audio', (ranges) => this.audio(ranges)),
      t.on('invalidate', (start, end) => this.append([{ k: 'invalidate', start, end }])),
      t.on('lyrics', (_, change) => this.append(['add' in change ? { k: 'lyric', line: change.add } : { k: 'lyrics-clear' }])),
      t.on('spans', (_, change) => this.append(['add' in change ? { k: 'section', span: change.add } : { k: 'sections-clear' }])),
      t.on('tempo', (_, change) => this.append([{ k: 'tempo', bpm: change.bpm, time: change.time }])),
    )
  }

  private audio(ranges: Range[]): void {
    if (!this.store.persistsAudio || this.failed) return
    this.guard(() => {
      for (const [a, b] of ranges) {
        this.store.writeAudio(a, this.timeline.audio.read(a, b - a))
        this.unsynced.push([a, b])
      }
    })
    this.syncTimer ??= setTimeout(() => {
      this.syncTimer = null
      this.syncAudioLater()
    }, this.o.audioSyncMs)
  }

  /** The timer's sync: fsync on libuv's pool, then the ranges are journaled as present. */
  private syncAudioLater(): void {
    if (this.unsynced.length === 0 || this.syncing.length > 0 || this.closed || this.failed) {
      // one at a time: the next timer takes what arrived meanwhile
      if (this.unsynced.length > 0 && !this.closed && !this.failed) this.syncTimer ??= setTimeout(() => ((this.syncTimer = null), this.syncAudioLater()), this.o.audioSyncMs)
      return
    }
    const merged = new IntervalSet(this.unsynced).toArray()
    this.unsynced = []
    this.syncing = merged
    this.store.syncAudioLater(merged).then(
      (done) => {
        if (!done || this.closed) return
        this.syncing = []
        for (const [a, b] of merged) this.synced.add(a, b)
        if (this.store.wantsCompaction) this.guard(() => this.store.compact(this.state()))
      },
      (err) => this.guard(() => {
        throw err
      }),
    )
  }

  private syncAudio(): void {
    if (this.unsynced.length === 0) return
    const merged = new IntervalSet(this.unsynced).toArray()
    this.unsynced = []
    this.store.syncAudio(merged)
    for (const [a, b] of merged) this.synced.add(a, b)
  }

  private append(records: ProjectRecord[]): void {
    if (this.failed || this.closed) return
    this.guard(() => {
      this.store.append(records)
      if (this.store.wantsCompaction) {
        this.syncAudio()
        this.store.compact(this.state())
      }
    })
  }

  private state(): ProjectState {
    const t = this.timeline
    return {
      schema: 'emolane.project/1',
      hop: this.o.hop,
      model: this.o.model,
      frames: t.frameList(),
      lyrics: t.lyrics,
      sections: t.spans,
      tempo: t.transport.tempo,
      tempoMap: [...t.tempoMap],
      audio: this.synced.toArray(),
    }
  }

  private guard(fn: () => void): void {
    try {
      fn()
    } catch (err) {
      // a full or failing disk: say so once, keep analysing in memory
      if (!this.failed) this.o.problem(`saving project ${this.o.project} to ${this.store.dir} failed, the timeline is kept in memory only from now on: ${err instanceof Error ? err.message : String(err)}`)
      this.failed = true
    }
  }
}
