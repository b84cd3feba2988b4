/** The audio-analysis operations answered by a worker thread (analysis-worker.ts), started again if it dies. */
import { Worker } from 'node:worker_threads'
import { AudioDecodeError, type DecodedAudio } from '../audio/decode.js'
import { WorkerRpc } from '../engine/worker-rpc.js'
import { workerUrl } from '../engine/worker-script.js'
import type { AudioAnalysisRunner, BlockFeaturesRequest, CuesRequest, DecodeRequest, DetectRequest, SongReading, SongRequest } from './audio-analysis-ops.js'
import type { MusicalCues, SectionSpan } from './types.js'

/** Runs section detection and cue measurement on its own thread. */
export class AnalysisThread implements AudioAnalysisRunner {
  private rpc: Promise<WorkerRpc>
  private closed = false

  private constructor(rpc: WorkerRpc) {
    this.rpc = Promise.resolve(rpc)
  }

  /** Starts the thread (rejects when its script cannot be found or built). */
  static async start(): Promise<AnalysisThread> {
    return new AnalysisThread(await AnalysisThread.spawn())
  }

  private static async spawn(): Promise<WorkerRpc> {
    const worker = new Worker(await workerUrl('analysis-worker'), { name: 'emolane-analysis', resourceLimits: { maxYoungGenerationSizeMb: 4 } })
    return new WorkerRpc(worker, 'analysis thread', { AudioDecodeError })
  }

  async blockFeatures(r: BlockFeaturesRequest): Promise<Float64Array> {
    return (await this.worker()).call('blockFeatures', r, [r.slice.buffer as ArrayBuffer])
  }

  async detect(r: DetectRequest): Promise<SectionSpan[]> {
    return (await this.worker()).call('detect', r, [r.raw.buffer as ArrayBuffer])
  }

  async cues(r: CuesRequest): Promise<MusicalCues> {
    return (await this.worker()).call('cues', r, [r.pcm.buffer as ArrayBuffer])
  }

  async song(r: SongRequest): Promise<SongReading> {
    // samples in shared memory are read there as they are; others are handed over
    return (await this.worker()).call('song', r, r.pcm.buffer instanceof SharedArrayBuffer ? [] : [r.pcm.buffer as ArrayBuffer])
  }

  /** Decodes an audio file on this thread (see decodeAudioFile; the samples come back in shared memory); its errors arrive as AudioDecodeError. */
  async decode(r: DecodeRequest): Promise<DecodedAudio> {
    return (await this.worker()).call('decode', r)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await (await this.rpc.catch(() => null))?.close()
  }

  /** The running worker; a dead one is replaced first. */
  private async worker(): Promise<WorkerRpc> {
    if (this.closed) throw new Error('the analysis thread is closed')
    const rpc = await this.rpc
    if (!rpc.dead) return rpc
    this.rpc = AnalysisThread.spawn()
    this.rpc.catch(() => undefined)
    return this.rpc
  }
}
