/**
 * The analysis thread: reads audio for section detection and conflict cues (FFTs over whole
 * stretches of the song) away from the bridge's main thread, and decodes audio files for `analyze`
 * while the main thread loads the model. Started by AnalysisThread.
 */
import { decodeAudioFile } from '../audio/decode.js'
import { blockFeaturesOp, cuesOp, detectOp, type BlockFeaturesRequest, type CuesRequest, type DecodeRequest, type DetectRequest } from './audio-analysis-ops.js'
import { serveRpc, Transfer } from '../engine/worker-rpc.js'

serveRpc({
  blockFeatures(r: BlockFeaturesRequest) {
    const out = blockFeaturesOp(r)
    return new Transfer(out, [out.buffer as ArrayBuffer])
  },
  detect: (r: DetectRequest) => detectOp(r),
  cues: (r: CuesRequest) => cuesOp(r),
  async decode(r: DecodeRequest) {
    const audio = await decodeAudioFile(r.path, { sampleRate: r.sampleRate })
    return new Transfer(audio, [audio.pcm.buffer as ArrayBuffer])
  },
})
