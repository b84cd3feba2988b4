/**
 * The analysis thread: reads audio for section detection and conflict cues (FFTs over whole
 * stretches of the song) away from the bridge's main thread, and decodes audio files for `analyze`
 * while the main thread loads the model. Started by AnalysisThread.
 */
import { decodeAudioFile } from '../audio/decode.js'
import { blockFeaturesOp, cuesOp, detectOp, songOp, type SongRequest, type BlockFeaturesRequest, type CuesRequest, type DecodeRequest, type DetectRequest } from './audio-analysis-ops.js'
import { serveRpc, Transfer } from '../engine/worker-rpc.js'

serveRpc({
  blockFeatures(r: BlockFeaturesRequest) {
    const out = blockFeaturesOp(r)
    return new Transfer(out, [out.buffer as ArrayBuffer])
  },
  detect: (r: DetectRequest) => detectOp(r),
  cues: (r: CuesRequest) => cuesOp(r),
  song: (r: SongRequest) => songOp(r),
  async decode(r: DecodeRequest) {
    // in shared memory: the calling thread hands the samples back for sections and tempo without a copy
    return decodeAudioFile(r.path, { sampleRate: r.sampleRate, shared: true })
  },
})
