/**
 * The parts of the live analysis that read the song's audio, made incremental and kept off the
 * main thread: section detection works from features cached per 0.5 s block (a block is computed
 * once its audio is complete, and again only where audio is written over it), the cues of a
 * conflicting section are cached per span and tempo until its audio changes, and the song's
 * loudness is summed per second. The FFTs run on the analysis thread; this thread copies only the
 * audio of blocks it has not seen (a few per run while playing).
 *
 * Bounded: block features take 37 values per 0.5 s (0.7 MB for a 20-minute song); at most
 * `maxCues` (default 64) section cues are kept, least recently used first out.
 */
import type { AudioAnalysisRunner } from '../analysis/audio-analysis-ops.js'
import { BlockGeometry, FEATURE_DIMS, type DetectOptions } from '../analysis/section-detection.js'
import type { MusicalCues, SectionSpan, Seconds } from '../analysis/types.js'
import { LruCache } from '../engine/lru-cache.js'
import type { AudioTimeline } from './audio-timeline.js'
import type { Range } from './interval-set.js'

/** Options of the live audio analysis. */
export type LiveAudioAnalysisOptions = {
  /** Feature block length, seconds, default 0.5 (as detectSections) */
  blockSeconds?: Seconds
  /** Section cues kept, default 64 */
  maxCues?: number
  /** Most blocks computed in one request to the analysis thread, default 120 (60 s of audio, 3.8 MB copied) */
  blocksPerRequest?: number
}

const defaults = { blockSeconds: 0.5, maxCues: 64, blocksPerRequest: 120 }

/** Samples per loudness block (1 s at 16 kHz). */
const LOUDNESS_BLOCK = 16000

type Block = { features: Float64Array; complete: boolean; samples: number }
type CueEntry = { start: number; end: number; cues: MusicalCues | null }

/** Audio-derived analysis of one live timeline; follows its writes until `close()`. */
export class LiveAudioAnalysis {
  private readonly o: typeof defaults
  private readonly geometry: BlockGeometry
  private readonly blocks = new Map<number, Block>()
  /** Per block, bumped when audio under it is written: a result computed before is not stored. */
  private readonly generation = new Map<number, number>()
  private readonly cueCache: LruCache<string, CueEntry>
  private readonly loudness = new Map<number, { sum: number; samples: number }>()
  private readonly unsubscribe: () => void
  private epoch = 0

  constructor(
    private readonly audio: AudioTimeline,
    private readonly runner: AudioAnalysisRunner,
    options: LiveAudioAnalysisOptions = {},
  ) {
    this.o = { ...defaults, ...options }
    this.geometry = new BlockGeometry(audio.sampleRate, this.o.blockSeconds)
    this.cueCache = new LruCache(this.o.maxCues)
    this.unsubscribe = audio.onWrite((range) => this.written(range))
  }

  /** Sections found from the audio so far (as detectSections over the whole song would find them). */
  async sections(options: DetectOptions = {}): Promise<SectionSpan[]> {
    const { raw, samples } = await this.features()
    if (samples <= 0) return []
    return this.runner.detect({ raw, duration: samples / this.audio.sampleRate, options: { ...options, blockSeconds: this.o.blockSeconds } })
  }

  /** Raw block features of the whole song so far, row after row (as rawBlockFeatures over it), computing only blocks not yet known. */
  async features(): Promise<{ raw: Float64Array; samples: number }> {
    const samples = this.audio.written.end
    if (samples <= 0) return { raw: new Float64Array(0), samples }
    const g = this.geometry
    const count = g.blocks(samples)
    // blocks to (re)compute: never seen, written over, or not complete when last computed
    const runs: [number, number][] = []
    for (let b = 0; b < count; b++) {
      const have = this.blocks.get(b)
      if (have && (have.complete || have.samples === samples)) continue
      const last = runs.at(-1)
      if (last && last[1] === b && b - last[0] < this.o.blocksPerRequest) last[1] = b + 1
      else runs.push([b, b + 1])
    }
    const epoch = this.epoch
    const fresh = new Map<number, Float64Array>()
    await Promise.all(
      runs.map(async ([from, to]) => {
        const gens = Array.from({ length: to - from }, (_, i) => this.generation.get(from + i) ?? 0)
        const [a, b] = g.samplesOf(from, to, samples)
        const flat = await this.runner.blockFeatures({ slice: this.audio.read(a, b - a), sliceStart: a, samples, sampleRate: this.audio.sampleRate, blockSeconds: this.o.blockSeconds, from, to })
        for (let k = from; k < to; k++) {
          const features = flat.slice((k - from) * FEATURE_DIMS, (k - from + 1) * FEATURE_DIMS)
          fresh.set(k, features)
          // written over while it was computed (or everything cleared): used for this run only
          if (epoch !== this.epoch || (this.generation.get(k) ?? 0) !== gens[k - from]) continue
          this.blocks.set(k, { features, complete: g.complete(k, samples), samples })
        }
      }),
    )
    const raw = new Float64Array(count * FEATURE_DIMS)
    for (let b = 0; b < count; b++) {
      const features = fresh.get(b) ?? this.blocks.get(b)?.features
      if (features) raw.set(features, b * FEATURE_DIMS)
    }
    return { raw, samples }
  }

  /** Cues of the audio in [start, end) (null where none was heard), measured once per span, tempo and take. */
  async cues(start: Seconds, end: Seconds, tempoBpm: number | null): Promise<MusicalCues | null> {
    const rate = this.audio.sampleRate
    const a = Math.max(0, Math.floor(start * rate))
    const b = Math.min(this.audio.written.end, Math.ceil(end * rate))
    if (b <= a || !this.audio.written.intersects(a, b)) return null
    const key = `${a}:${b}:${tempoBpm}`
    const hit = this.cueCache.get(key)
    if (hit) return hit.cues
    const epoch = this.epoch
    const entry: CueEntry = { start: a, end: b, cues: null }
    this.measuring.add(entry)
    try {
      entry.cues = await this.runner.cues({ pcm: this.audio.read(a, b - a), sampleRate: rate, tempoBpm })
      // kept unless its audio was written over (or everything cleared) while it was measured
      if (epoch === this.epoch && !this.stale.has(entry)) this.cueCache.set(key, entry)
      return entry.cues
    } finally {
      this.measuring.delete(entry)
      this.stale.delete(entry)
    }
  }

  /** RMS loudness of the song so far, dBFS (-120 for silence), as loudnessDb over the whole song; null without audio. */
  loudnessDb(): number | null {
    const samples = this.audio.written.end
    if (samples <= 0) return null
    let sum = 0
    for (let k = 0; k * LOUDNESS_BLOCK < samples; k++) {
      const n = Math.min(LOUDNESS_BLOCK, samples - k * LOUDNESS_BLOCK)
      let block = this.loudness.get(k)
      if (!block || block.samples !== n) {
        const pcm = this.audio.read(k * LOUDNESS_BLOCK, n)
        let s = 0
        for (let i = 0; i < n; i++) s += pcm[i]! * pcm[i]!
        this.loudness.set(k, (block = { sum: s, samples: n }))
      }
      sum += block.sum
    }
    const rms = Math.sqrt(sum / samples)
    return rms > 1e-6 ? 20 * Math.log10(rms) : -120
  }

  /** Blocks with features, and cues kept (for tests and the bench's memory accounting). */
  get size(): { blocks: number; cues: number; loudnessBlocks: number } {
    return { blocks: this.blocks.size, cues: this.cueCache.size, loudnessBlocks: this.loudness.size }
  }

  /** Stops following the audio and forgets everything. */
  close(): void {
    this.unsubscribe()
    this.written(null)
  }

  /** Cue measurements in flight, and those whose audio changed meanwhile. */
  private readonly measuring = new Set<CueEntry>()
  private readonly stale = new Set<CueEntry>()

  private written(range: Range | null): void {
    if (range === null) {
      this.epoch++
      this.blocks.clear()
      this.generation.clear()
      this.cueCache.clear()
      this.loudness.clear()
      return
    }
    const [a, b] = range
    const g = this.geometry
    // spectra reading any of [a, b), and their blocks (uncapped: the song may grow past them)
    const f0 = Math.max(0, Math.ceil((a - g.nFft + 1) / g.hop))
    const f1 = Math.floor((b - 1) / g.hop)
    const b0 = Math.floor((f0 * g.hop + g.nFft / 2) / g.blockSamples)
    const b1 = Math.floor((f1 * g.hop + g.nFft / 2) / g.blockSamples)
    for (let k = b0; k <= b1; k++) {
      this.blocks.delete(k)
      this.generation.set(k, (this.generation.get(k) ?? 0) + 1)
    }
    for (let k = Math.floor(a / LOUDNESS_BLOCK); k <= Math.floor((b - 1) / LOUDNESS_BLOCK); k++) this.loudness.delete(k)
    for (const key of this.cueKeysOver(a, b)) this.cueCache.delete(key)
    for (const e of this.measuring) if (e.start < b && e.end > a) this.stale.add(e)
  }

  private cueKeysOver(a: number, b: number): string[] {
    const out: string[] = []
    for (const key of this.cueCache.keys()) {
      const [s, e] = key.split(':').map(Number) as [number, number]
      if (s < b && e > a) out.push(key)
    }
    return out
  }
}
