/** A capture source that delivers chunks when the test says so, like an audio device's callback. */
import type { CaptureSource } from '../../../bridge/input/capture-source.js'

export class FakeSource implements CaptureSource {
  readonly label = 'fake loopback'
  started = false
  stopped = false
  private onChunk: ((c: Float32Array[]) => void) | null = null
  constructor(
    readonly sampleRate = 8000,
    readonly channels = 2,
  ) {}
  async start(onChunk: (c: Float32Array[]) => void): Promise<void> {
    this.onChunk = onChunk
    this.started = true
  }
  async stop(): Promise<void> {
    this.stopped = true
    this.onChunk = null
  }
  /** Delivers `frames` samples per channel whose values count up from `first` (so tests can trace them). */
  deliver(frames: number, first = 0): void {
    const chans = Array.from({ length: this.channels }, (_, c) => Float32Array.from({ length: frames }, (_, i) => (first + i) / 1e6 + c / 10))
    this.onChunk?.(chans)
  }
}
