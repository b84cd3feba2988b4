/**
 * The model thread: owns an EmotionModel, so that onnxruntime (which runs a graph synchronously on
 * the calling thread) never holds up the bridge's main thread, its sockets and its feed. Started
 * by WorkerModel; answers its calls through worker-rpc.
 */
import { EmotionModel, type EmotionModelOptions } from './emotion-model.js'
import { noteToParent, serveRpc, Transfer } from './worker-rpc.js'

let model: EmotionModel | null = null

function loaded(): EmotionModel {
  if (!model) throw new Error('the model thread has no model loaded (load first, or it was closed)')
  return model
}

/** A batch of windows as it crosses: every log-mel back to back in one buffer. */
export type RunRequest = { mel: Float32Array; size: number; lyrics: string[] }
/** Windows of audio-encoder states as they cross: every window's states back to back. */
export type RunStatesRequest = { states: Float32Array; size: number; lyrics: string[] }
/** A stretch of log-mel for the audio encoder. */
export type EncodeAudioRequest = { data: Float32Array; frames: number; mels: number; firstFrame: number }

serveRpc({
  async load(options: Omit<EmotionModelOptions, 'onWarning'>) {
    model = await EmotionModel.load({ ...options, onWarning: (message) => noteToParent('warning', message) })
    return { manifest: model.manifest, info: model.info }
  },
  run({ mel, size, lyrics }: RunRequest) {
    return loaded().run(lyrics.map((text, i) => ({ logMel: mel.subarray(i * size, (i + 1) * size), lyrics: text })))
  },
  runStates({ states, size, lyrics }: RunStatesRequest) {
    return loaded().runStates(lyrics.map((text, i) => ({ states: states.subarray(i * size, (i + 1) * size), lyrics: text })))
  },
  async encodeAudio({ data, frames, mels, firstFrame }: EncodeAudioRequest) {
    const states = await loaded().encodeAudio({ data, frames, mels }, firstFrame)
    return new Transfer(states, [states.data.buffer as ArrayBuffer])
  },
  encodeLyrics(texts: string[]) {
    return loaded().encodeLyricsBatch(texts)
  },
  stats() {
    return loaded().lyricsCacheStats
  },
  async close() {
    await model?.close()
    model = null
  },
})
