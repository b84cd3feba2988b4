/**
 * The log-mel front end of model/CONTRACT.md, in TypeScript: periodic Hann, |FFT|^2, HTK mel
 * triangles (peak 1), ln(mel + floor). Parity with model/audio.py is tested in test/bridge/engine.
 */
import { Fft } from './fft.js'
import type { AudioConfig } from './manifest.js'

/** The front-end settings log-mel needs (a subset of the manifest's `audio`). */
export type LogMelConfig = Pick<AudioConfig, 'sample_rate' | 'n_fft' | 'hop' | 'pad_left' | 'n_mels' | 'f_min' | 'f_max' | 'log_floor'> & Partial<Pick<AudioConfig, 'mel_scale'>>

/** A log-mel spectrogram: `data[mel * frames + frame]`, ln scale. */
export type LogMel = {
  /** [n_mels][frames], row-major */
  data: Float32Array
  frames: number
  mels: number
}

/** Which frames to compute; frame i covers samples [i*hop - pad_left, ... + n_fft), zeros outside. */
export type LogMelRange = {
  /** First frame index; may be negative (frames before the signal are silence). Default 0. */
  firstFrame?: number
  /** Number of frames. Default ceil(pcm.length / hop) - firstFrame. */
  frames?: number
}

/** Samples that frames [g, g + n) read before sample g*hop and after (g + n)*hop: [pad_left, n_fft - hop - pad_left], 131 and 131 for the studio model. */
export function frontEndReach(c: Pick<LogMelConfig, 'n_fft' | 'hop' | 'pad_left'>): [before: number, after: number] {
  return [Math.max(0, c.pad_left), Math.max(0, c.n_fft - c.hop - c.pad_left)]
}

/** The first and last frame that read any sample of [a, b) (frame g starts at sample g*hop - pad_left and reads n_fft samples). */
export function framesReading([a, b]: readonly [number, number], c: Pick<LogMelConfig, 'n_fft' | 'hop' | 'pad_left'>): [first: number, last: number] {
  return [Math.floor((a + c.pad_left - c.n_fft) / c.hop) + 1, Math.ceil((b + c.pad_left) / c.hop) - 1]
}

/** What the manifest's `encoder_context` needs: the state width and the context states (0 when absent). */
type EncoderContext = Pick<LogMelConfig, 'hop'> & { encoder_stride: number; encoder_context?: number }

/** Samples of audio either side of its own that an audio-encoder state reads (manifest `encoder_context`; 0 without). */
export function encoderContextSamples(c: EncoderContext): number {
  return (c.encoder_context ?? 0) * c.encoder_stride * c.hop
}

/** The same in seconds at `sample_rate`: how long the live bridge waits past a window's end (2 s for the musicnn encoder). */
export function encoderContextSeconds(c: EncoderContext & { sample_rate: number }): number {
  return encoderContextSamples(c) / c.sample_rate
}

/** Samples a window's reading depends on before and after it: the front end's reach plus the audio encoder's context. */
export function modelReach(c: Pick<LogMelConfig, 'n_fft' | 'hop' | 'pad_left'> & EncoderContext): [before: number, after: number] {
  const [before, after] = frontEndReach(c)
  const context = encoderContextSamples(c)
  return [before + context, after + context]
}

/** Mel scales: HTK's, and Slaney's (linear 200/3 Hz a mel below 1 kHz, logarithmic above; librosa's default). */
const SCALES = {
  htk: { toMel: (f: number): number => 2595 * Math.log10(1 + f / 700), toHz: (m: number): number => 700 * (10 ** (m / 2595) - 1) },
  slaney: {
    toMel: (f: number): number => (f < 1000 ? f / (200 / 3) : 15 + Math.log(f / 1000) / (Math.log(6.4) / 27)),
    toHz: (m: number): number => (m < 15 ? m * (200 / 3) : 1000 * Math.exp((Math.log(6.4) / 27) * (m - 15))),
  },
}

/**
 * (n_mels, n_fft/2 + 1) triangles, built exactly as model/audio.py builds them: HTK scale with peak 1
 * (the manifest's default, the shipped model), or Slaney's scale with area normalisation 2 / (upper - lower)
 * (`mel_scale: 'slaney'`, Essentia's musicnn bands).
 */
export function melFilterbank(c: LogMelConfig): Float64Array[] {
  const scale = SCALES[c.mel_scale ?? 'htk']
  const bins = c.n_fft / 2 + 1
  const lo = scale.toMel(c.f_min)
  const hi = scale.toMel(c.f_max)
  const points = Array.from({ length: c.n_mels + 2 }, (_, i) => scale.toHz(lo + ((hi - lo) * i) / (c.n_mels + 1)))
  return Array.from({ length: c.n_mels }, (_, m) => {
    const [lower, centre, upper] = [points[m]!, points[m + 1]!, points[m + 2]!]
    const norm = c.mel_scale === 'slaney' ? 2 / (upper - lower) : 1
    const row = new Float64Array(bins)
    for (let k = 0; k < bins; k++) {
      const f = (k * c.sample_rate) / c.n_fft
      // float32 like the reference, whose bank is stored as float32
      row[k] = Math.fround(Math.max(0, Math.min((f - lower) / (centre - lower), (upper - f) / (upper - centre))) * norm)
    }
    return row
  })
}

/** Computes log-mel frames for one configuration; caches the window, filterbank and FFT. */
export class LogMelExtractor {
  readonly config: LogMelConfig
  private readonly fft: Fft
  private readonly window: Float64Array
  /** Sparse filterbank: per mel, first bin and weights. */
  private readonly filters: { first: number; weights: Float64Array }[]

  constructor(config: LogMelConfig) {
    if (config.hop < 1 || config.hop > config.n_fft) throw new RangeError(`hop must be in [1, ${config.n_fft}], got ${config.hop}`)
    this.config = config
    this.fft = new Fft(config.n_fft)
    this.window = new Float64Array(config.n_fft)
    for (let n = 0; n < config.n_fft; n++) this.window[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / config.n_fft)
    this.filters = melFilterbank(config).map((row) => {
      let first = row.findIndex((w) => w > 0)
      if (first < 0) first = 0
      let last = row.length - 1
      while (last > first && row[last] === 0) last--
      return { first, weights: row.slice(first, last + 1) }
    })
  }

  /** Frames for a signal of `samples` samples: ceil(samples / hop). */
  frameCount(samples: number): number {
    return Math.ceil(samples / this.config.hop)
  }

  /** Log-mel of mono PCM at the model's rate; see LogMelRange for partial ranges. */
  compute(pcm: Float32Array, range: LogMelRange = {}): LogMel {
    const { n_fft: nFft, hop, pad_left: padLeft, n_mels: mels, log_floor: floor } = this.config
    const firstFrame = range.firstFrame ?? 0
    const frames = range.frames ?? Math.max(0, this.frameCount(pcm.length) - firstFrame)
    if (!Number.isInteger(firstFrame) || !Number.isInteger(frames) || frames < 0) {
      throw new RangeError(`log-mel range must be integers with frames >= 0, got firstFrame ${firstFrame}, frames ${frames}`)
    }
    const data = new Float32Array(mels * frames)
    const frame = new Float64Array(nFft)
    const power = new Float64Array(nFft / 2 + 1)
    const silent = Math.log(floor)
    for (let f = 0; f < frames; f++) {
      const start = (firstFrame + f) * hop - padLeft
      if (start + nFft <= 0 || start >= pcm.length) {
        for (let m = 0; m < mels; m++) data[m * frames + f] = silent
        continue
      }
      for (let n = 0; n < nFft; n++) {
        const i = start + n
        frame[n] = i >= 0 && i < pcm.length ? pcm[i]! * this.window[n]! : 0
      }
      this.fft.powerSpectrum(frame, power)
      for (let m = 0; m < mels; m++) {
        const { first, weights } = this.filters[m]!
        let sum = 0
        for (let k = 0; k < weights.length; k++) sum += weights[k]! * power[first + k]!
        data[m * frames + f] = Math.log(sum + floor)
      }
    }
    return { data, frames, mels }
  }
}

/** One-shot log-mel of mono PCM (builds an extractor; reuse LogMelExtractor for many calls). */
export function logMel(pcm: Float32Array, config: LogMelConfig, range?: LogMelRange): LogMel {
  return new LogMelExtractor(config).compute(pcm, range)
}

/** Copies frames [from, from + count) of a log-mel into a new [mels][count] block (silence outside). */
export function sliceLogMel(mel: LogMel, from: number, count: number, floor: number): LogMel {
  const data = new Float32Array(mel.mels * count).fill(Math.log(floor))
  for (let m = 0; m < mel.mels; m++) {
    for (let f = 0; f < count; f++) {
      const src = from + f
      if (src >= 0 && src < mel.frames) data[m * count + f] = mel.data[m * mel.frames + src]!
    }
  }
  return { data, frames: count, mels: mel.mels }
}
